using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Integrity;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>The embedded store's integrity findings about <c>audit.log</c>, each naming the file, the entry and what was expected.</summary>
internal sealed class AuditProblems(string path, TimeProvider time)
{
    public StoreIntegrityProblem Missing(long count, long length) => Problem(
        StoreIntegrityCodes.AuditLogChanged, 1,
        $"the audit log {path} is missing, but {count} committed entries ({length} bytes) were verified in it",
        $"{count} entries in {length} bytes", "no file");

    public StoreIntegrityProblem CutShort(long intact, long committed, long committedLength, long fileLength) => Problem(
        StoreIntegrityCodes.AuditLogChanged, intact + 1,
        $"the audit log {path} was cut short: it is {fileLength} bytes, but its {committed} committed entries end at byte {committedLength}; "
        + $"entry {intact + 1} and every later one are missing (the tail was removed)",
        $"{committed} entries in {committedLength} bytes", $"{intact} complete entries in {fileLength} bytes");

    public StoreIntegrityProblem Reencoded(long intact, long committed, long committedLength) => Problem(
        StoreIntegrityCodes.AuditLogChanged, intact + 1,
        $"the audit log {path} was rewritten: its first {committedLength} bytes hold {intact} entries where {committed} were committed; entry {intact + 1} is gone",
        $"{committed} entries in {committedLength} bytes", $"{intact} entries in {committedLength} bytes");

    public StoreIntegrityProblem Unreadable(long sequence, string error) => Problem(
        StoreIntegrityCodes.AuditChainBroken, sequence,
        $"the audit chain in {path} is broken at entry {sequence}: the line does not parse ({error})",
        "a JSON audit entry", "an unreadable line");

    public StoreIntegrityProblem ChainBroken(AuditLinkFailure failure) => Problem(
        StoreIntegrityCodes.AuditChainBroken, failure.Sequence,
        $"the audit chain in {path} is broken at entry {failure.Sequence}: {failure.Reason} (expected {failure.Expected}, found {failure.Found})",
        failure.Expected, failure.Found);

    public StoreIntegrityProblem Rewritten(AuditEntry expected, AuditEntry found) => Problem(
        StoreIntegrityCodes.AuditLogChanged, expected.Sequence,
        $"entry {expected.Sequence} of the audit log {path} is not the entry this process committed or verified, though the chain verifies: "
        + "the log was rewritten and re-hashed",
        $"hash {AuditLinks.Hex(expected.Hash)}", $"hash {AuditLinks.Hex(found.Hash)}");

    public StoreIntegrityProblem BytesChanged(long count, long length) => Problem(
        StoreIntegrityCodes.AuditLogChanged, null,
        $"the first {length} bytes of the audit log {path} changed though its {count} entries still verify (the file was re-encoded or edited and restored)",
        "the bytes this process committed or verified", "different bytes");

    public StoreIntegrityProblem HeadMismatch(AuditMark state, AuditEntry found, string? statePath = null) => Problem(
        statePath is null ? StoreIntegrityCodes.AuditLogChanged : StoreIntegrityCodes.StateFileChanged, found.Sequence,
        statePath is null
            ? $"entry {found.Sequence} of the audit log {path} is not the audit head the state file records: one of the two was replaced"
            : $"the state file {statePath} (revision {state.Revision}) names an audit head that is not entry {found.Sequence} of {path}: it was not written by a commit",
        $"hash {AuditLinks.Hex(state.Head!.Hash)}", $"hash {AuditLinks.Hex(found.Hash)}",
        statePath);

    public StoreIntegrityProblem NoNewEntry(AuditMark newer, string statePath, long verified) => Problem(
        StoreIntegrityCodes.StateFileChanged, null,
        $"the state file {statePath} holds revision {newer.Revision} with {newer.Count} audit entries, but this process verified {verified}: "
        + "every commit adds an audit entry, so this state was not written by a commit",
        $"more than {verified} audit entries", $"{newer.Count} audit entries",
        statePath);

    public StoreIntegrityProblem HeadRevisionMismatch(AuditMark newer, string statePath) => Problem(
        StoreIntegrityCodes.StateFileChanged, newer.Head!.Sequence,
        $"the state file {statePath} holds revision {newer.Revision}, but its audit head (entry {newer.Head.Sequence}) records revision {newer.Head.Revision}: "
        + "it was not written by a commit",
        $"audit head at revision {newer.Revision}", $"audit head at revision {newer.Head.Revision}",
        statePath);

    private StoreIntegrityProblem Problem(string code, long? sequence, string message, string expected, string found, string? location = null) => new()
    {
        Code = code,
        Message = message,
        Location = location ?? path,
        Sequence = sequence,
        Expected = expected,
        Found = found,
        DetectedAt = time.GetUtcNow(),
    };
}
