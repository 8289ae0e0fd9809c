using OpenTelemetry.Resources;

namespace KeylessGeo.Telemetry;

/// <summary>The resource (service name, instance, attributes) every exported signal of a process carries.</summary>
internal static class TelemetryResource
{
    public static ResourceBuilder Create(TelemetryOptions telemetry, TelemetrySetup setup) =>
        ResourceBuilder.CreateEmpty()
            .AddService(
                telemetry.ServiceName.Length > 0 ? telemetry.ServiceName : setup.ServiceName,
                serviceInstanceId: setup.ServiceInstanceId.Length > 0 ? setup.ServiceInstanceId : null,
                autoGenerateServiceInstanceId: false)
            .AddTelemetrySdk()
            .AddAttributes(setup.ResourceAttributes);
}
