using System;
using System.Collections.Generic;
using System.Linq;

namespace FinBackup.Domain.Restore
{
    /// <summary>
    /// Who a principal ARN (from STS GetCallerIdentity) is, and whether it matches an entry of an application's
    /// RestoreApprovers. An entry matches when it is:
    /// <list type="bullet">
    /// <item>the principal's ARN itself (arn:aws:iam::111122223333:user/alice, arn:aws:sts::111122223333:assumed-role/Approver/alice);</item>
    /// <item>an IAM role ARN (arn:aws:iam::111122223333:role/[path/]Approver) and the principal is a session of that role in that account;</item>
    /// <item>a bare name (no colon): the role name of an assumed-role principal, or the user name of an IAM user.</item>
    /// </list>
    /// Comparison ignores case (IAM names are unique regardless of case). IAM group membership is not resolved (STS does not
    /// report groups): name the role approvers assume, or the approvers' own ARNs.
    /// </summary>
    public sealed class RestorePrincipal
    {
        private RestorePrincipal(string arn) { Arn = arn; }

        public string Arn { get; }
        public string Account { get; private set; }
        /// <summary>"user", "assumed-role", "role", "root", "federated-user" or null when the ARN is not an IAM/STS principal.</summary>
        public string Type { get; private set; }
        /// <summary>User name or role name (without path).</summary>
        public string Name { get; private set; }
        /// <summary>Role session name for assumed roles.</summary>
        public string Session { get; private set; }

        public static RestorePrincipal Parse(string arn)
        {
            var p = new RestorePrincipal(arn);
            if (string.IsNullOrEmpty(arn)) return p;
            var parts = arn.Split(new[] { ':' }, 6);
            if (parts.Length != 6 || parts[0] != "arn" || (parts[2] != "iam" && parts[2] != "sts")) return p;
            p.Account = parts[4];
            var resource = parts[5];
            if (resource == "root") { p.Type = "root"; return p; }
            var slash = resource.IndexOf('/');
            if (slash < 0) return p;
            p.Type = resource.Substring(0, slash);
            var rest = resource.Substring(slash + 1).Split('/');
            if (p.Type == "assumed-role")
            {
                p.Name = rest.Length > 0 ? rest[0] : null;
                p.Session = rest.Length > 1 ? rest[rest.Length - 1] : null;
            }
            else
            {
                p.Name = rest[rest.Length - 1];
            }
            return p;
        }

        /// <summary>The same principal (same ARN, ignoring case). Two sessions of one role with different session names differ.</summary>
        public static bool Same(string a, string b) =>
            !string.IsNullOrEmpty(a) && !string.IsNullOrEmpty(b) && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

        public bool Matches(string entry)
        {
            if (string.IsNullOrWhiteSpace(entry) || string.IsNullOrEmpty(Arn)) return false;
            entry = entry.Trim();
            if (Same(entry, Arn)) return true;
            if (entry.IndexOf(':') < 0)
            {
                return (Type == "assumed-role" || Type == "user") && string.Equals(entry, Name, StringComparison.OrdinalIgnoreCase);
            }
            var role = Parse(entry);
            return role.Type == "role" && Type == "assumed-role"
                   && string.Equals(role.Account, Account, StringComparison.Ordinal)
                   && string.Equals(role.Name, Name, StringComparison.OrdinalIgnoreCase);
        }

        public bool MatchesAny(IEnumerable<string> entries) => entries != null && entries.Any(Matches);

        public override string ToString() => Arn;
    }
}
