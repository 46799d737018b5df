using FinBackup.Aws.Recovery.Failover;
using FinBackup.Tests.Aws;

namespace FinBackup.Tests.Recovery;

/// <summary>The request shapes of FailoverServiceCalls against the botocore models (moto accepts more than AWS does).</summary>
public sealed class FailoverWireShapeTests
{
    private static void Query(string service, string version, string operation, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        Assert.True(BotocoreModel.Available(service), "botocore models (pip install botocore) are needed for this check");
        var problems = BotocoreModel.Load(service, version).ValidateQuery(operation, parameters.Select(p => p.Key));
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    private static void Json(string operation, System.Text.Json.Nodes.JsonObject body)
    {
        Assert.True(BotocoreModel.Available("wafv2"), "botocore models (pip install botocore) are needed for this check");
        var problems = BotocoreModel.Load("wafv2", "2019-07-29").Validate(operation, "POST", "/", body.ToJsonString());
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    [Fact]
    public void Query_calls_match_the_model()
    {
        var deleteAsg = FailoverServiceCalls.DeleteAutoScalingGroupParameters("agent-payment-asg");
        Query("autoscaling", "2011-01-01", "DeleteAutoScalingGroup", deleteAsg);
        Assert.Contains(deleteAsg, p => p.Key == "ForceDelete" && p.Value == "true");
        Query("elbv2", "2015-12-01", "DescribeTargetHealth", FailoverServiceCalls.DescribeTargetHealthParameters("arn:tg"));
        Query("elbv2", "2015-12-01", "DeleteLoadBalancer", FailoverServiceCalls.DeleteLoadBalancerParameters("arn:lb"));
        Query("elbv2", "2015-12-01", "DeleteTargetGroup", FailoverServiceCalls.DeleteTargetGroupParameters("arn:tg"));
        var create = FailoverServiceCalls.CreateDbSubnetGroupParameters("g", "d", new[] { "subnet-1", "subnet-2" }, new Dictionary<string, string> { ["fin:failover-id"] = "x" });
        Query("rds", "2014-10-31", "CreateDBSubnetGroup", create);
        Assert.Contains(create, p => p.Key == "SubnetIds.SubnetIdentifier.2" && p.Value == "subnet-2");
        Assert.Contains(create, p => p.Key == "Tags.Tag.1.Key" && p.Value == "fin:failover-id");
        Query("rds", "2014-10-31", "DescribeDBSubnetGroups", FailoverServiceCalls.DescribeDbSubnetGroupsParameters("g"));
        Query("rds", "2014-10-31", "DeleteDBSubnetGroup", FailoverServiceCalls.DeleteDbSubnetGroupParameters("g"));
    }

    [Fact]
    public void WAF_calls_match_the_model()
    {
        Json("ListTagsForResource", FailoverServiceCalls.ListTagsForResourceBody("arn:aws:wafv2:us-west-2:1:regional/webacl/a/b"));
        Json("DisassociateWebACL", FailoverServiceCalls.DisassociateWebAclBody("arn:lb"));
        Json("GetWebACL", FailoverServiceCalls.GetWebAclBody("a", "b"));
        Json("DeleteWebACL", FailoverServiceCalls.DeleteWebAclBody("a", "b", "token"));
    }
}
