using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;

namespace FinBackup.Aws.Protocol
{
    /// <summary>
    /// The AWS query protocol (RDS, Auto Scaling, ELBv2, STS...): POST form-encoded Action/Version/parameters,
    /// XML response; errors as &lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;.
    /// </summary>
    public class QueryProtocolClient : AwsProtocolClient
    {
        public QueryProtocolClient(AWSCredentials credentials, AwsServiceEndpoint endpoint, string apiVersion,
            AwsRetryOptions retry = null, HttpClient http = null)
            : base(credentials, endpoint, retry, http)
        {
            ApiVersion = apiVersion;
        }

        public string ApiVersion { get; }

        /// <summary>Call <paramref name="action"/>; returns the &lt;{Action}Result&gt; element (or the root when there is none).</summary>
        public async Task<XElement> InvokeAsync(string action, QueryParameters parameters, CancellationToken cancellationToken)
        {
            var all = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("Action", action),
                new KeyValuePair<string, string>("Version", ApiVersion),
            };
            if (parameters != null) all.AddRange(parameters);
            var request = new AwsRequest(action, HttpMethod.Post, "/")
            {
                Body = Encoding.UTF8.GetBytes(AwsEncoding.Query(all)),
                ContentType = "application/x-www-form-urlencoded; charset=utf-8",
            };
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            var root = XmlReading.Parse(response.BodyText);
            return root.Child(action + "Result") ?? root;
        }

        protected override AwsErrorInfo ParseError(AwsResponse response)
        {
            try
            {
                var root = XmlReading.Parse(response.BodyText);
                // <ErrorResponse><Error>..</Error><RequestId/></ErrorResponse> or EC2-style <Response><Errors><Error>..</Error></Errors><RequestID/></Response>
                var error = root.Name.LocalName == "Error" ? root : root.Child("Error") ?? root.Child("Errors").Child("Error");
                return new AwsErrorInfo(error.Text("Code"), error.Text("Message"), root.Text("RequestId") ?? root.Text("RequestID"));
            }
            catch (Exception ex) when (ex is XmlException || ex is NullReferenceException)
            {
                return new AwsErrorInfo(null, Truncate(response.BodyText), null);
            }
        }

        internal static string Truncate(string s) => s == null ? null : s.Length > 300 ? s.Substring(0, 300) + "..." : s;
    }

    /// <summary>Query-protocol parameters, with the list/tag/filter flattening conventions of the AWS query serializer.</summary>
    public sealed class QueryParameters : List<KeyValuePair<string, string>>
    {
        public QueryParameters Add(string name, string value)
        {
            if (value != null) Add(new KeyValuePair<string, string>(name, value));
            return this;
        }

        public QueryParameters Add(string name, bool? value) =>
            value.HasValue ? Add(name, value.Value ? "true" : "false") : this;

        public QueryParameters Add(string name, int? value) =>
            value.HasValue ? Add(name, value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)) : this;

        /// <summary>A non-flattened list: Name.Member.1, Name.Member.2...</summary>
        public QueryParameters AddList(string name, string memberName, IEnumerable<string> values)
        {
            if (values == null) return this;
            var i = 1;
            foreach (var v in values) Add($"{name}.{memberName}.{i++}", v);
            return this;
        }

        /// <summary>Tags as Name.Tag.N.Key / Name.Tag.N.Value (RDS style).</summary>
        public QueryParameters AddTags(string name, IEnumerable<KeyValuePair<string, string>> tags, string memberName = "Tag")
        {
            if (tags == null) return this;
            var i = 1;
            foreach (var t in tags)
            {
                Add($"{name}.{memberName}.{i}.Key", t.Key);
                Add($"{name}.{memberName}.{i}.Value", t.Value ?? string.Empty);
                i++;
            }
            return this;
        }

        /// <summary>Filters as Filters.Filter.N.Name / Filters.Filter.N.Values.Value.M (RDS style).</summary>
        public QueryParameters AddFilters(IEnumerable<KeyValuePair<string, IEnumerable<string>>> filters)
        {
            if (filters == null) return this;
            var i = 1;
            foreach (var f in filters)
            {
                Add($"Filters.Filter.{i}.Name", f.Key);
                AddList($"Filters.Filter.{i}.Values", "Value", f.Value);
                i++;
            }
            return this;
        }
    }
}
