using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Amazon.Runtime;
using FinBackup.Aws.Protocol;
using FinBackup.Domain.Unattended;

namespace FinBackup.Aws.Services.CloudWatch
{
    /// <summary>
    /// Amazon CloudWatch (query protocol, API 2010-08-01; signing name "monitoring"): PutMetricData, PutMetricAlarm,
    /// DescribeAlarms. Lists are serialized as Name.member.N, as botocore's query serializer does.
    /// </summary>
    public sealed class CloudWatchClient
    {
        /// <summary>Data per PutMetricData call (the service takes 1000; 20 keeps requests small and within older limits).</summary>
        public const int MaxDataPerRequest = 20;
        private readonly QueryProtocolClient _query;

        public CloudWatchClient(AWSCredentials credentials, AwsServiceEndpoint endpoint, AwsRetryOptions retry = null, HttpClient http = null)
        {
            _query = new QueryProtocolClient(credentials, endpoint, "2010-08-01", retry, http);
        }

        public string Region => _query.Region;

        public async Task PutMetricDataAsync(string metricNamespace, IList<MetricDatum> data, CancellationToken ct)
        {
            for (var start = 0; start < data.Count; start += MaxDataPerRequest)
            {
                await _query.InvokeAsync("PutMetricData", MetricDataParameters(metricNamespace, data.Skip(start).Take(MaxDataPerRequest).ToList()), ct).ConfigureAwait(false);
            }
        }

        /// <summary>The PutMetricData parameters (public so tests can check them against the service model).</summary>
        public static QueryParameters MetricDataParameters(string metricNamespace, IList<MetricDatum> data)
        {
            var p = new QueryParameters().Add("Namespace", metricNamespace);
            for (var i = 0; i < data.Count; i++)
            {
                var d = data[i];
                var prefix = $"MetricData.member.{i + 1}.";
                p.Add(prefix + "MetricName", d.MetricName);
                AddDimensions(p, prefix + "Dimensions", d.Dimensions);
                p.Add(prefix + "Timestamp", d.Timestamp.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                p.Add(prefix + "Value", d.Value.ToString("R", CultureInfo.InvariantCulture));
                if (!string.IsNullOrEmpty(d.Unit)) p.Add(prefix + "Unit", d.Unit);
            }
            return p;
        }

        public async Task PutMetricAlarmAsync(RpoAlarmSpec a, CancellationToken ct)
        {
            await _query.InvokeAsync("PutMetricAlarm", AlarmParameters(a), ct).ConfigureAwait(false);
        }

        public static QueryParameters AlarmParameters(RpoAlarmSpec a)
        {
            var p = new QueryParameters()
                .Add("AlarmName", a.AlarmName)
                .Add("AlarmDescription", a.Description)
                .Add("ActionsEnabled", true)
                .AddList("OKActions", "member", a.OkActions)
                .AddList("AlarmActions", "member", a.AlarmActions)
                .Add("MetricName", a.MetricName)
                .Add("Namespace", a.Namespace)
                .Add("Statistic", a.Statistic);
            AddDimensions(p, "Dimensions", a.Dimensions);
            p.Add("Period", a.PeriodSeconds)
             .Add("EvaluationPeriods", a.EvaluationPeriods)
             .Add("Threshold", a.Threshold.ToString("R", CultureInfo.InvariantCulture))
             .Add("ComparisonOperator", a.ComparisonOperator)
             .Add("TreatMissingData", a.TreatMissingData);
            return p;
        }

        /// <summary>The metric alarm of that name, or null.</summary>
        public async Task<RpoAlarmSpec> DescribeAlarmAsync(string alarmName, CancellationToken ct)
        {
            var p = new QueryParameters().AddList("AlarmNames", "member", new[] { alarmName });
            var r = await _query.InvokeAsync("DescribeAlarms", p, ct).ConfigureAwait(false);
            var alarm = r.Items("MetricAlarms", "member").FirstOrDefault(m => m.Text("AlarmName") == alarmName);
            if (alarm == null) return null;
            var spec = new RpoAlarmSpec
            {
                AlarmName = alarm.Text("AlarmName"),
                Description = alarm.Text("AlarmDescription"),
                Namespace = alarm.Text("Namespace"),
                MetricName = alarm.Text("MetricName"),
                Statistic = alarm.Text("Statistic"),
                PeriodSeconds = Int(alarm.Text("Period")),
                EvaluationPeriods = Int(alarm.Text("EvaluationPeriods")),
                Threshold = double.TryParse(alarm.Text("Threshold"), NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : double.NaN,
                ComparisonOperator = alarm.Text("ComparisonOperator"),
                TreatMissingData = alarm.Text("TreatMissingData"),
            };
            foreach (var m in alarm.Items("AlarmActions", "member")) spec.AlarmActions.Add(m.Value);
            foreach (var m in alarm.Items("OKActions", "member")) spec.OkActions.Add(m.Value);
            foreach (var m in alarm.Items("Dimensions", "member"))
                spec.Dimensions.Add(new KeyValuePair<string, string>(m.Text("Name"), m.Text("Value")));
            return spec;
        }

        private static void AddDimensions(QueryParameters p, string name, IList<KeyValuePair<string, string>> dims)
        {
            for (var j = 0; j < dims.Count; j++)
            {
                p.Add($"{name}.member.{j + 1}.Name", dims[j].Key);
                p.Add($"{name}.member.{j + 1}.Value", dims[j].Value);
            }
        }

        private static int Int(string s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : 0;
    }
}
