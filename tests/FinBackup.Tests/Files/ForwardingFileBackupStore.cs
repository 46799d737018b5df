using FinBackup.Domain.Files;
using FinBackup.Domain.Ports;

namespace FinBackup.Tests.Files;

/// <summary>
/// A store double that passes every call to a real store: a test overrides only the calls it changes or counts
/// (a dropped write, a slow PUT, a listing that races a backup).
/// </summary>
internal abstract class ForwardingFileBackupStore(IFileBackupStore inner) : IFileBackupStore
{
    protected IFileBackupStore Inner { get; } = inner;
    public virtual string Region => Inner.Region;
    public virtual BucketProtection DescribeBucket(string bucket, CancellationToken ct) => Inner.DescribeBucket(bucket, ct);
    public virtual IReadOnlyList<StoredObject> List(string bucket, string prefix, CancellationToken ct) => Inner.List(bucket, prefix, ct);
    public virtual void PutContent(string bucket, string key, Stream content, long length, byte[] sha256, ObjectWriteOptions options, CancellationToken ct) =>
        Inner.PutContent(bucket, key, content, length, sha256, options, ct);
    public virtual void Touch(string bucket, string key, ObjectWriteOptions options, CancellationToken ct) => Inner.Touch(bucket, key, options, ct);
    public virtual void ReadRange(string bucket, string key, long offset, int length, byte[] destination, int destinationOffset, CancellationToken ct) =>
        Inner.ReadRange(bucket, key, offset, length, destination, destinationOffset, ct);
    public virtual void PutManifest(string bucket, FileManifest manifest, IDictionary<string, string> tags, ObjectWriteOptions options, CancellationToken ct) =>
        Inner.PutManifest(bucket, manifest, tags, options, ct);
    public virtual FileManifest GetManifest(string bucket, string key, CancellationToken ct) => Inner.GetManifest(bucket, key, ct);
    public virtual IDictionary<string, string> GetTags(string bucket, string key, CancellationToken ct) => Inner.GetTags(bucket, key, ct);
    public virtual IDictionary<string, string> Delete(string bucket, IReadOnlyCollection<string> keys, CancellationToken ct) => Inner.Delete(bucket, keys, ct);
    public virtual void CopyFrom(string sourceRegion, string sourceBucket, string key, string destinationBucket, ObjectWriteOptions options, CancellationToken ct) =>
        Inner.CopyFrom(sourceRegion, sourceBucket, key, destinationBucket, options, ct);
}
