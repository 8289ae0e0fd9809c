using System.Runtime.CompilerServices;

// Every import is blittable (pointers, integers, or strings the source generator marshals itself).
[assembly: DisableRuntimeMarshalling]
