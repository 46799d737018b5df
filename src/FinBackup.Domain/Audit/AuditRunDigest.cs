using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Unattended;

namespace FinBackup.Domain.Audit
{
    /// <summary>One record a run wrote (or tried to write), as its digest lists it.</summary>
    public sealed class AuditDigestEntry
    {
        public long Sequence { get; set; }
        public string Hash { get; set; }
        /// <summary>Set when the run could not store the record (after retries): the position is a known gap, not a deletion.</summary>
        public string ErrorId { get; set; }
    }

    /// <summary>
    /// The signed digest of one run: the sequence and SHA-256 of every record the run appended, and the ones it could not
    /// store. Signed with HMAC-SHA256 under a fresh KMS data key (GenerateDataKey on the policy's key in the audit region,
    /// encryption context fin:purpose=audit-digest, fin:policy, fin:run-id); the encrypted data key is stored with the digest
    /// and verification decrypts it with KMS. Why HMAC and not KMS Sign: the bank's policy already has one symmetric key
    /// per region that every role uses through KMS; an asymmetric signing key would be a second key to create, rotate and
    /// grant in every account and region, and KMS Sign caps messages at 4 KB (a digest of a large cycle is bigger). The
    /// trade-off: whoever may call kms:Decrypt with this encryption context could forge a digest, so only the Auditor role
    /// and the writers hold it (New-FinIamPolicy scopes it with kms:EncryptionContext:fin:purpose).
    /// </summary>
    public sealed class AuditRunDigest
    {
        public const string Hmac = "HMAC-SHA256";
        public const string NoSignature = "None";

        public string PolicyName { get; set; }
        public string RunId { get; set; }
        public DateTime CreatedUtc { get; set; }
        public List<AuditDigestEntry> Records { get; set; } = new List<AuditDigestEntry>();
        public string Algorithm { get; set; } = Hmac;
        public string KmsKeyId { get; set; }
        /// <summary>Base64 of the KMS-encrypted data key.</summary>
        public string EncryptedDataKey { get; set; }
        /// <summary>Lower-case hex HMAC-SHA256 of <see cref="CanonicalWithoutSignature"/>.</summary>
        public string Signature { get; set; }

        public IDictionary<string, string> EncryptionContext() => ContextFor(PolicyName, RunId);

        public static IDictionary<string, string> ContextFor(string policyName, string runId) => new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["fin:purpose"] = "audit-digest",
            ["fin:policy"] = policyName ?? string.Empty,
            ["fin:run-id"] = runId ?? string.Empty,
        };

        public string CanonicalWithoutSignature() => CanonicalJson.Write(Fields(false));

        public byte[] Serialize() => Encoding.UTF8.GetBytes(CanonicalJson.Write(Fields(true)));

        public void Sign(byte[] key) => Signature = Mac(key);

        public bool Verify(byte[] key) => Signature != null && FixedTimeEquals(Signature, Mac(key));

        private string Mac(byte[] key)
        {
            using (var h = new HMACSHA256(key)) return AuditRecordCodec.Hex(h.ComputeHash(Encoding.UTF8.GetBytes(CanonicalWithoutSignature())));
        }

        private static bool FixedTimeEquals(string a, string b)
        {
            if (a.Length != b.Length) return false;
            var diff = 0;
            for (var i = 0; i < a.Length; i++) diff |= a[i] ^ b[i];
            return diff == 0;
        }

        private JsonFields Fields(bool withSignature)
        {
            var f = new JsonFields()
                .Add("policyName", PolicyName ?? string.Empty)
                .Add("runId", RunId ?? string.Empty)
                .Add("createdUtc", AuditRecordCodec.FormatTime(CreatedUtc))
                .Add("records", Records.OrderBy(r => r.Sequence).Select(r => (object)new JsonFields()
                    .Add("sequence", r.Sequence).Add("hash", r.Hash ?? string.Empty).Add("errorId", r.ErrorId ?? string.Empty)).ToList())
                .Add("algorithm", Algorithm ?? NoSignature)
                .Add("kmsKeyId", KmsKeyId ?? string.Empty)
                .Add("encryptedDataKey", EncryptedDataKey ?? string.Empty);
            if (withSignature) f.Add("signature", Signature ?? string.Empty);
            return f;
        }

        public static AuditRunDigest Parse(byte[] bytes, string where)
        {
            PolicyNode root;
            try { root = JsonPolicyParser.Parse(Encoding.UTF8.GetString(bytes ?? new byte[0]), where); }
            catch (Exception ex) when (!(ex is OperationCanceledException)) { throw Unreadable(where, ex.Message); }
            if (!(root is PolicyMap map)) throw Unreadable(where, "not a JSON object");
            var d = new AuditRunDigest();
            foreach (var e in map.Entries)
            {
                switch (e.Key)
                {
                    case "policyName": d.PolicyName = Str(e.Value); break;
                    case "runId": d.RunId = Str(e.Value); break;
                    case "createdUtc":
                        DateTime.TryParseExact(Str(e.Value), AuditRecordCodec.TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t);
                        d.CreatedUtc = DateTime.SpecifyKind(t, DateTimeKind.Utc);
                        break;
                    case "records":
                        if (e.Value is PolicyList list)
                            foreach (var item in list.Items.OfType<PolicyMap>())
                            {
                                var r = new AuditDigestEntry();
                                foreach (var kv in item.Entries)
                                {
                                    if (kv.Key == "sequence" && kv.Value is PolicyScalar s && s.Kind == ScalarKind.Integer) r.Sequence = Convert.ToInt64(s.Value, CultureInfo.InvariantCulture);
                                    else if (kv.Key == "hash") r.Hash = Str(kv.Value);
                                    else if (kv.Key == "errorId") r.ErrorId = string.IsNullOrEmpty(Str(kv.Value)) ? null : Str(kv.Value);
                                }
                                d.Records.Add(r);
                            }
                        break;
                    case "algorithm": d.Algorithm = Str(e.Value); break;
                    case "kmsKeyId": d.KmsKeyId = Str(e.Value); break;
                    case "encryptedDataKey": d.EncryptedDataKey = Str(e.Value); break;
                    case "signature": d.Signature = Str(e.Value); break;
                    default: throw Unreadable(where, $"unknown field '{e.Key}'");
                }
            }
            return d;
        }

        private static string Str(PolicyNode n) => n is PolicyScalar s && s.Value != null ? Convert.ToString(s.Value, CultureInfo.InvariantCulture) : null;

        private static FinBackupException Unreadable(string where, string why) =>
            new FinBackupException("FinAuditRecordUnreadable", FinErrorKind.InvalidData, $"The audit digest {where} is not a FinBackup audit digest: {why}.",
                "Run Test-FinAuditLog: an unreadable digest leaves its run's records unsigned.");
    }
}
