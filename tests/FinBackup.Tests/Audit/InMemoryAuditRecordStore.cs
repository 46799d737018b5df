using System.Security.Cryptography;
using FinBackup.Domain;
using FinBackup.Domain.Ports;

namespace FinBackup.Tests.Audit;

/// <summary>An audit bucket in memory, with a KMS that really encrypts data keys (AES) and a fault switch per key.</summary>
public sealed class InMemoryAuditRecordStore : IAuditRecordStore
{
    private readonly byte[] _kek = RandomNumberGenerator.GetBytes(32);
    public SortedDictionary<string, byte[]> Objects { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, DateTime?> Retention { get; } = new(StringComparer.Ordinal);
    public bool ObjectLock { get; set; }
    /// <summary>Puts to keys for which this returns true fail (like an outage or a denied PutObject).</summary>
    public Func<string, bool> FailPut { get; set; } = _ => false;
    public int Puts { get; private set; }
    public int Heads { get; private set; }
    public int Lists { get; private set; }
    /// <summary>Runs just before a put claims its key (to let a second writer win the race).</summary>
    public Action<string>? BeforePut { get; set; }

    public BucketProtection DescribeBucket(string bucket, CancellationToken ct) => new() { ObjectLockEnabled = ObjectLock, ObjectLockMode = "COMPLIANCE" };

    public IReadOnlyList<string> ListKeys(string bucket, string prefix, string? startAfter, CancellationToken ct)
    {
        Lists++;
        return Objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && (startAfter == null || string.CompareOrdinal(k, startAfter) > 0)).ToList();
    }

    public bool Exists(string bucket, string key, CancellationToken ct) { Heads++; return Objects.ContainsKey(key); }

    public byte[]? Get(string bucket, string key, CancellationToken ct) => Objects.TryGetValue(key, out var b) ? b.ToArray() : null;

    public bool PutIfAbsent(string bucket, string key, byte[] body, string kmsKeyId, DateTime? retainUntilUtc, out string requestId, CancellationToken ct)
    {
        Puts++;
        requestId = "req-" + Puts;
        BeforePut?.Invoke(key);
        if (FailPut(key)) throw new FinBackupException("FinAwsServiceUnavailable", FinErrorKind.ResourceUnavailable, $"S3 answered 503 for {key}", "retry");
        if (Objects.ContainsKey(key)) return false;
        Objects[key] = body.ToArray();
        Retention[key] = retainUntilUtc;
        return true;
    }

    public AuditDataKey GenerateDataKey(string kmsKeyId, IDictionary<string, string> context, CancellationToken ct)
    {
        var plain = RandomNumberGenerator.GetBytes(32);
        return new AuditDataKey { Plaintext = plain, Ciphertext = Wrap(plain, context), KeyId = "arn:aws:kms:us-east-1:123456789012:key/test" };
    }

    public byte[] DecryptDataKey(byte[] ciphertext, IDictionary<string, string> context, CancellationToken ct)
    {
        using var aes = new AesGcm(_kek, 16);
        var nonce = ciphertext[..12]; var tag = ciphertext[12..28]; var data = ciphertext[28..];
        var plain = new byte[data.Length];
        try { aes.Decrypt(nonce, data, tag, plain, Aad(context)); }
        catch (CryptographicException ex) { throw new FinBackupException("FinAuditDigestKeyRefused", FinErrorKind.PermissionDenied, "InvalidCiphertextException", null, ex); }
        return plain;
    }

    private byte[] Wrap(byte[] plain, IDictionary<string, string> context)
    {
        using var aes = new AesGcm(_kek, 16);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var data = new byte[plain.Length]; var tag = new byte[16];
        aes.Encrypt(nonce, plain, data, tag, Aad(context));
        return nonce.Concat(tag).Concat(data).ToArray();
    }

    private static byte[] Aad(IDictionary<string, string> c) =>
        System.Text.Encoding.UTF8.GetBytes(string.Join(";", c.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value)));
}
