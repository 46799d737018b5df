using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using FinBackup.Aws.Protocol;
using FinBackup.Domain.Unattended;

namespace FinBackup.Aws.Services.Scheduler
{
    /// <summary>
    /// Amazon EventBridge Scheduler (REST-JSON, API 2021-06-30): schedule groups and schedules. Request shapes follow
    /// botocore's scheduler model (CreateSchedule POST /schedules/{Name}, UpdateSchedule PUT, GetSchedule GET with
    /// ?groupName=, ListSchedules GET /schedules?ScheduleGroup=&amp;NamePrefix=, DeleteSchedule DELETE ?groupName=).
    /// </summary>
    public sealed class SchedulerClient
    {
        private readonly RestJsonProtocolClient _rest;

        public SchedulerClient(AWSCredentials credentials, AwsServiceEndpoint endpoint, AwsRetryOptions retry = null, HttpClient http = null)
        {
            _rest = new RestJsonProtocolClient(credentials, endpoint, retry, http);
        }

        public string Region => _rest.Region;

        private static string E(string s) => AwsEncoding.Encode(s);

        /// <summary>True when the group exists.</summary>
        public async Task<bool> ScheduleGroupExistsAsync(string name, CancellationToken ct)
        {
            try
            {
                await _rest.SendAsync("GetScheduleGroup", HttpMethod.Get, "/schedule-groups/" + E(name), null, null, ct).ConfigureAwait(false);
                return true;
            }
            catch (AwsServiceException ex) when (ex.ErrorCode == "ResourceNotFoundException")
            {
                return false;
            }
        }

        public async Task<string> CreateScheduleGroupAsync(string name, IDictionary<string, string> tags, CancellationToken ct)
        {
            var body = new JsonObject { ["ClientToken"] = "fin-" + name };
            if (tags != null && tags.Count > 0)
                body["Tags"] = new JsonArray(tags.Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray());
            var r = await _rest.SendAsync("CreateScheduleGroup", HttpMethod.Post, "/schedule-groups/" + E(name), null, body, ct).ConfigureAwait(false);
            return r.Str("ScheduleGroupArn");
        }

        public async Task<string> CreateScheduleAsync(ScheduleDefinition s, CancellationToken ct)
        {
            var r = await _rest.SendAsync("CreateSchedule", HttpMethod.Post, "/schedules/" + E(s.Name), null, Body(s), ct).ConfigureAwait(false);
            return r.Str("ScheduleArn");
        }

        public async Task<string> UpdateScheduleAsync(ScheduleDefinition s, CancellationToken ct)
        {
            var r = await _rest.SendAsync("UpdateSchedule", HttpMethod.Put, "/schedules/" + E(s.Name), null, Body(s), ct).ConfigureAwait(false);
            return r.Str("ScheduleArn");
        }

        /// <summary>The schedule, or null when it does not exist.</summary>
        public async Task<ScheduleDefinition> GetScheduleAsync(string name, string groupName, CancellationToken ct)
        {
            try
            {
                var r = await _rest.SendAsync("GetSchedule", HttpMethod.Get, "/schedules/" + E(name), GroupQuery("groupName", groupName), null, ct).ConfigureAwait(false);
                return Read(r);
            }
            catch (AwsServiceException ex) when (ex.ErrorCode == "ResourceNotFoundException")
            {
                return null;
            }
        }

        /// <summary>Names of the schedules in a group with the prefix (all pages).</summary>
        public Task<List<string>> ListScheduleNamesAsync(string groupName, string namePrefix, CancellationToken ct) =>
            AwsPaging.CollectAsync<string>(async (token, c) =>
            {
                var q = new List<KeyValuePair<string, string>>();
                if (!string.IsNullOrEmpty(groupName)) q.Add(new KeyValuePair<string, string>("ScheduleGroup", groupName));
                if (!string.IsNullOrEmpty(namePrefix)) q.Add(new KeyValuePair<string, string>("NamePrefix", namePrefix));
                if (!string.IsNullOrEmpty(token)) q.Add(new KeyValuePair<string, string>("NextToken", token));
                var r = await _rest.SendAsync("ListSchedules", HttpMethod.Get, "/schedules", AwsEncoding.Query(q), null, c).ConfigureAwait(false);
                return new AwsPage<string>(r.Array("Schedules").Select(e => e.Str("Name")).Where(n => n != null).ToList(), r.Str("NextToken"));
            }, ct);

        public async Task DeleteScheduleAsync(string name, string groupName, CancellationToken ct)
        {
            await _rest.SendAsync("DeleteSchedule", HttpMethod.Delete, "/schedules/" + E(name), GroupQuery("groupName", groupName), null, ct).ConfigureAwait(false);
        }

        private static string GroupQuery(string key, string group) =>
            string.IsNullOrEmpty(group) ? null : AwsEncoding.Query(new[] { new KeyValuePair<string, string>(key, group) });

        /// <summary>The CreateSchedule/UpdateSchedule body (public so tests can check it against the service model).</summary>
        public static JsonObject Body(ScheduleDefinition s)
        {
            var target = new JsonObject
            {
                ["Arn"] = s.TargetArn,
                ["RoleArn"] = s.RoleArn,
            };
            if (s.Input != null) target["Input"] = s.Input;
            if (!string.IsNullOrEmpty(s.DeadLetterArn)) target["DeadLetterConfig"] = new JsonObject { ["Arn"] = s.DeadLetterArn };
            if (s.MaximumRetryAttempts.HasValue || s.MaximumEventAgeInSeconds.HasValue)
            {
                var retry = new JsonObject();
                if (s.MaximumEventAgeInSeconds.HasValue) retry["MaximumEventAgeInSeconds"] = s.MaximumEventAgeInSeconds.Value;
                if (s.MaximumRetryAttempts.HasValue) retry["MaximumRetryAttempts"] = s.MaximumRetryAttempts.Value;
                target["RetryPolicy"] = retry;
            }
            var body = new JsonObject
            {
                ["FlexibleTimeWindow"] = new JsonObject { ["Mode"] = s.FlexibleTimeWindowMode ?? "OFF" },
                ["ScheduleExpression"] = s.ScheduleExpression,
                ["Target"] = target,
            };
            if (!string.IsNullOrEmpty(s.GroupName)) body["GroupName"] = s.GroupName;
            if (!string.IsNullOrEmpty(s.ScheduleExpressionTimezone)) body["ScheduleExpressionTimezone"] = s.ScheduleExpressionTimezone;
            if (!string.IsNullOrEmpty(s.Description)) body["Description"] = s.Description;
            if (!string.IsNullOrEmpty(s.State)) body["State"] = s.State;
            if (s.StartDate.HasValue) body["StartDate"] = (s.StartDate.Value.ToUniversalTime() - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds;
            return body;
        }

        private static ScheduleDefinition Read(JsonElement r)
        {
            var t = r.Obj("Target");
            var retry = t?.Obj("RetryPolicy");
            return new ScheduleDefinition
            {
                Name = r.Str("Name"),
                GroupName = r.Str("GroupName"),
                Arn = r.Str("Arn"),
                Description = r.Str("Description"),
                ScheduleExpression = r.Str("ScheduleExpression"),
                ScheduleExpressionTimezone = r.Str("ScheduleExpressionTimezone"),
                StartDate = r.Date("StartDate"),
                State = r.Str("State"),
                FlexibleTimeWindowMode = r.Obj("FlexibleTimeWindow")?.Str("Mode"),
                TargetArn = t?.Str("Arn"),
                RoleArn = t?.Str("RoleArn"),
                Input = t?.Str("Input"),
                DeadLetterArn = t?.Obj("DeadLetterConfig")?.Str("Arn"),
                MaximumRetryAttempts = (int?)retry?.Long("MaximumRetryAttempts"),
                MaximumEventAgeInSeconds = (int?)retry?.Long("MaximumEventAgeInSeconds"),
            };
        }
    }
}
