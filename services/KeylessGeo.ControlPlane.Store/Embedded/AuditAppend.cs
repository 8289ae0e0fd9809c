namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>What one append wrote to <c>audit.log</c>: the line (with its newline) and the file's length after it.</summary>
internal sealed record AuditAppend(byte[] Line, long Length);
