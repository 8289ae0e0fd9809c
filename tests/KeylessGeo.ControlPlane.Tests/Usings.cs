global using KeylessGeo.ControlPlane.Tests.Infrastructure;
