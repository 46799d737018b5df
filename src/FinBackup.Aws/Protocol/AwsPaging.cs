using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace FinBackup.Aws.Protocol
{
    /// <summary>One page of a listing plus the token (NextToken / Marker) for the next, null at the end.</summary>
    public sealed class AwsPage<T>
    {
        public AwsPage(IReadOnlyList<T> items, string nextToken)
        {
            Items = items ?? Array.Empty<T>();
            NextToken = string.IsNullOrEmpty(nextToken) ? null : nextToken;
        }

        public IReadOnlyList<T> Items { get; }
        public string NextToken { get; }
    }

    /// <summary>Follows NextToken/Marker paging to the end (stops if a service repeats a token).</summary>
    public static class AwsPaging
    {
        public static async Task<List<T>> CollectAsync<T>(Func<string, CancellationToken, Task<AwsPage<T>>> fetchPage,
            CancellationToken cancellationToken, int maxPages = 10000)
        {
            var all = new List<T>();
            string token = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var page = 0; page < maxPages; page++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = await fetchPage(token, cancellationToken).ConfigureAwait(false);
                all.AddRange(result.Items);
                token = result.NextToken;
                if (token == null || !seen.Add(token)) break;
            }
            return all;
        }
    }
}
