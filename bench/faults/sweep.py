#!/usr/bin/env python3
"""One sweep of the account for the fault bench, from outside FinBackup (botocore, as the AWS CLI uses), straight at the
emulator. Prints one JSON document: items (AMIs and EBS snapshots owned by the account, manual DB snapshots, backup-bucket
manifests with their S3 object tags), incomplete multipart uploads and keys outside the bucket layout.
usage: sweep.py <endpoint> <region=bucket>... ; manifest tags already known are passed on stdin as JSON {"bucket/key": {...}}"""
import json, os, sys
from concurrent.futures import ThreadPoolExecutor
import boto3
from botocore.config import Config

endpoint = sys.argv[1]
regions = dict(a.split("=", 1) for a in sys.argv[2:])
known = json.loads(sys.stdin.read() or "{}")
cfg = Config(retries={"max_attempts": 10, "mode": "standard"})
# Hermetic under an admin's shell: their AWS_PROFILE may name a profile the emptied shared files lack.
for _v in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
    os.environ.pop(_v, None)
session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")

def client(service, region):
    return session.client(service, region_name=region, endpoint_url=endpoint, config=cfg)

def tags(lst):
    return {t["Key"]: t.get("Value", "") for t in (lst or [])}

# The bucket layout (every prefix FinBackup writes; anything else is a stray) comes from the caller, EstateObserver.Layout.
LAYOUT = tuple(p for p in os.environ.get("FIN_BENCH_LAYOUT", "").split(",") if p)
if not LAYOUT:
    sys.exit("sweep.py: FIN_BENCH_LAYOUT (the bucket layout, comma-separated prefixes) is not set; the bench driver sets it")

def sweep(region, bucket):
    items, uploads, strays = [], [], []
    ec2 = client("ec2", region)
    for i in ec2.describe_images(Owners=["self"]).get("Images", []):
        items.append({"region": region, "type": "ami", "id": i["ImageId"], "tags": tags(i.get("Tags")),
                      "info": f'{i.get("Name")} {i.get("CreationDate")} {i.get("State")} ' + ",".join(b.get("Ebs", {}).get("SnapshotId", "") for b in i.get("BlockDeviceMappings", []))})
    for s in ec2.get_paginator("describe_snapshots").paginate(OwnerIds=["self"]):
        for x in s.get("Snapshots", []):
            items.append({"region": region, "type": "snapshot", "id": x["SnapshotId"], "tags": tags(x.get("Tags")),
                          "info": f'{x.get("VolumeId")} {x.get("StartTime")} {x.get("State")} {x.get("Description", "")}'})
    rds = client("rds", region)
    for s in rds.describe_db_snapshots(SnapshotType="manual").get("DBSnapshots", []):
        items.append({"region": region, "type": "dbsnapshot", "id": s["DBSnapshotIdentifier"], "tags": tags(s.get("TagList")),
                      "info": f'{s.get("DBInstanceIdentifier")} {s.get("SnapshotCreateTime")} {s.get("Status")}'})
    if bucket:
        s3 = client("s3", region)
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for o in page.get("Contents", []):
                key = o["Key"]
                if key.startswith("manifests/") and key.endswith(".json"):
                    t = known.get(bucket + "/" + key)
                    if t is None or "fin:managed-by" not in t:
                        try:
                            t = tags(s3.get_object_tagging(Bucket=bucket, Key=key).get("TagSet"))
                        except Exception:
                            continue
                    items.append({"region": region, "type": "manifest", "id": key, "tags": t, "info": f"s3://{bucket}/{key}"})
                elif not key.startswith(LAYOUT):
                    strays.append(f"s3://{bucket}/{key}")
        for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
            uploads.append(f's3://{bucket}/{u["Key"]}')
    return items, uploads, strays

with ThreadPoolExecutor(max_workers=len(regions)) as pool:
    results = list(pool.map(lambda kv: sweep(*kv), regions.items()))
print(json.dumps({"items": [i for r in results for i in r[0]], "uploads": [u for r in results for u in r[1]], "strays": [s for r in results for s in r[2]]}))
