"""Seeds a moto server with a small account across two regions, through the
AWS APIs: compliant and non-compliant resources for the live-collection
tests. Usage: seed_moto.py ENDPOINT_URL"""
import base64
import io
import json
import sys
import zipfile

import boto3

endpoint = sys.argv[1]


def client(service, region):
    return boto3.client(service, region_name=region, endpoint_url=endpoint,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


# us-east-1: SSH open to the world; EBS encryption by default off.
ec2 = client("ec2", "us-east-1")
vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
sg = ec2.create_security_group(GroupName="web-ssh", Description="legacy host", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
])
ec2.allocate_address(Domain="vpc")  # idle elastic IP

# eu-west-1: a database group open only to a range; EBS encryption by default on.
ec2 = client("ec2", "eu-west-1")
vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
sg = ec2.create_security_group(GroupName="db", Description="database", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
])
ec2.enable_ebs_encryption_by_default()
# RDP from a customer prefix list that holds the whole internet in two halves.
partners = ec2.create_managed_prefix_list(PrefixListName="partners", AddressFamily="IPv4", MaxEntries=5, Entries=[
    {"Cidr": "0.0.0.0/1"}, {"Cidr": "128.0.0.0/1"}])["PrefixList"]["PrefixListId"]
sg = ec2.create_security_group(GroupName="rdp-partners", Description="partner desktops", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "PrefixListIds": [{"PrefixListId": partners}]},
])

# S3: a public bucket in us-east-1, a locked-down one in eu-west-1.
s3 = client("s3", "us-east-1")
s3.create_bucket(Bucket="public-assets")
s3.put_bucket_policy(Bucket="public-assets", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public-assets/*"}]}))
# A bucket whose ACL lets everyone write (neutralised by the account's
# IgnorePublicAcls below) and whose policy lets everyone put objects (not
# neutralised: RestrictPublicBuckets is off).
s3.create_bucket(Bucket="drop-box", ACL="public-read-write")
s3.put_bucket_policy(Bucket="drop-box", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "Drop", "Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::drop-box/*"}]}))
s3 = client("s3", "eu-west-1")
s3.create_bucket(Bucket="private-logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
s3.put_public_access_block(Bucket="private-logs", PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
s3.put_bucket_encryption(Bucket="private-logs", ServerSideEncryptionConfiguration={
    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}]})


# --- Compute: an instance and a launch template with a secret in user data
# and IMDSv1 allowed (us-east-1); IMDSv2 required and clean user data
# (eu-west-1).
for region, tokens, script in [
    ("us-east-1", "optional", "#!/bin/sh\nexport DB_PASSWORD=hunter2-prod-Zx81\n"),
    ("eu-west-1", "required", "#!/bin/sh\necho hello\n"),
]:
    ec2 = client("ec2", region)
    ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                      UserData=script, MetadataOptions={"HttpTokens": tokens},
                      TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "app-" + region}]}])
    ec2.create_launch_template(LaunchTemplateName="app-" + region, LaunchTemplateData={
        "ImageId": "ami-12345678", "UserData": base64.b64encode(script.encode()).decode(),
        "MetadataOptions": {"HttpTokens": tokens}})

# A launch template cleaned up in version 2 (the default) whose version 1,
# still launchable by number, keeps a token.
ec2 = client("ec2", "eu-west-1")
lt = ec2.create_launch_template(LaunchTemplateName="batch", LaunchTemplateData={
    "ImageId": "ami-12345678", "MetadataOptions": {"HttpTokens": "required"},
    "UserData": base64.b64encode(b"#!/bin/sh\nexport SLACK_TOKEN=xoxb-2718281828-3141592653-AbCdEfGhIjKlMnOpQrStUvWx\n").decode()})
lt_id = lt["LaunchTemplate"]["LaunchTemplateId"]
ec2.create_launch_template_version(LaunchTemplateId=lt_id, SourceVersion="1", LaunchTemplateData={
    "ImageId": "ami-12345678", "MetadataOptions": {"HttpTokens": "required"},
    "UserData": base64.b64encode(b"#!/bin/sh\nsystemctl start batch\n").decode()})
ec2.modify_launch_template(LaunchTemplateId=lt_id, DefaultVersion="2")

# A worker whose boot script is gzip-compressed, as Terraform's
# cloudinit_config sends it by default: the secret inside must be found.
import gzip
client("ec2", "us-east-1").run_instances(
    ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType="t3.micro",
    UserData=gzip.compress(b"#!/bin/sh\nexport API_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a\n"),
    MetadataOptions={"HttpTokens": "required"},
    TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "worker-gzip"}]}])

# --- RDS: a public, unencrypted database without backups, TLS not forced
# (us-east-1); a private, encrypted one with 7 days of backups (eu-west-1).
rds = client("rds", "us-east-1")
rds.create_db_parameter_group(DBParameterGroupName="pg-lax", DBParameterGroupFamily="postgres16", Description="lax")
rds.modify_db_parameter_group(DBParameterGroupName="pg-lax", Parameters=[
    {"ParameterName": "rds.force_ssl", "ParameterValue": "0", "ApplyMethod": "immediate"}])
rds.create_db_instance(DBInstanceIdentifier="orders-public", Engine="postgres", DBInstanceClass="db.t4g.micro",
                       MasterUsername="admin", MasterUserPassword="correct-horse-battery", AllocatedStorage=20,
                       PubliclyAccessible=True, StorageEncrypted=False, BackupRetentionPeriod=0,
                       DBParameterGroupName="pg-lax")
rds = client("rds", "eu-west-1")
rds.create_db_parameter_group(DBParameterGroupName="pg-tls", DBParameterGroupFamily="postgres16", Description="tls")
rds.modify_db_parameter_group(DBParameterGroupName="pg-tls", Parameters=[
    {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])
rds.create_db_instance(DBInstanceIdentifier="orders", Engine="postgres", DBInstanceClass="db.t4g.micro",
                       MasterUsername="admin", MasterUserPassword="correct-horse-battery", AllocatedStorage=20,
                       PubliclyAccessible=False, StorageEncrypted=True, BackupRetentionPeriod=7,
                       DeletionProtection=True, DBParameterGroupName="pg-tls")

# --- Aurora (seed 001's database): a PostgreSQL cluster whose cluster
# parameter group does not force TLS, without deletion protection, with one
# member instance (us-east-1).
rds = client("rds", "us-east-1")
rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="aurora-lax",
                                      DBParameterGroupFamily="aurora-postgresql16", Description="lax")
rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="aurora-lax", Parameters=[
    {"ParameterName": "rds.force_ssl", "ParameterValue": "0", "ApplyMethod": "immediate"}])
rds.create_db_cluster(DBClusterIdentifier="multi-container-app", Engine="aurora-postgresql",
                      MasterUsername="admin", MasterUserPassword="correct-horse-battery",
                      StorageEncrypted=True, BackupRetentionPeriod=7, DeletionProtection=False,
                      DBClusterParameterGroupName="aurora-lax",
                      EnableCloudwatchLogsExports=["postgresql"])
rds.create_db_instance(DBInstanceIdentifier="multi-container-app-1", DBClusterIdentifier="multi-container-app",
                       Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")

# --- ElastiCache: no encryption (us-east-1); a standalone Memcached
# cluster with TLS (eu-west-1).
client("elasticache", "us-east-1").create_replication_group(
    ReplicationGroupId="sessions", ReplicationGroupDescription="sessions", Engine="redis",
    CacheNodeType="cache.t4g.micro", NumCacheClusters=1)
client("elasticache", "eu-west-1").create_cache_cluster(
    CacheClusterId="pages", Engine="memcached", CacheNodeType="cache.t4g.micro", NumCacheNodes=1,
    TransitEncryptionEnabled=True)

# --- Secrets in environment variables: an ECS task definition and a Lambda
# function (us-east-1); the same through Secrets Manager (eu-west-1).
iam = client("iam", "us-east-1")
role_arn = iam.create_role(RoleName="app-task", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                            "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
client("ecs", "us-east-1").register_task_definition(family="api", containerDefinitions=[{
    "name": "api", "image": "api:1", "memory": 512,
    "environment": [{"name": "STRIPE_SECRET_KEY", "value": "sk_live_51HxAbCdEfGhIjKlMnOpQr"}]}])
client("ecs", "eu-west-1").register_task_definition(family="api", containerDefinitions=[{
    "name": "api", "image": "api:1", "memory": 512,
    "secrets": [{"name": "STRIPE_SECRET_KEY", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:stripe"}]}])
code = io.BytesIO()
with zipfile.ZipFile(code, "w") as z:
    z.writestr("index.py", "def handler(event, context):\n    return 1\n")
for region, env in [("us-east-1", {"DB_PASSWORD": "hunter2-prod-Zx81", "LOG_LEVEL": "info"}),
                    ("eu-west-1", {"LOG_LEVEL": "info"})]:
    client("lambda", region).create_function(FunctionName="worker", Runtime="python3.12", Role=role_arn,
                                             Handler="index.handler", Code={"ZipFile": code.getvalue()},
                                             Environment={"Variables": env})
sm = client("secretsmanager", "eu-west-1")
sm.create_secret(Name="stripe", SecretString="sk_live_51HxAbCdEfGhIjKlMnOpQr")

# --- KMS: a customer key without rotation (us-east-1), one with (eu-west-1).
client("kms", "us-east-1").create_key(Description="no rotation")
key = client("kms", "eu-west-1").create_key(Description="rotated")["KeyMetadata"]["KeyId"]
client("kms", "eu-west-1").enable_key_rotation(KeyId=key)
client("kms", "eu-west-1").create_alias(AliasName="alias/app", TargetKeyId=key)

# --- Logging and detection: a multi-region trail (us-east-1); Config and
# GuardDuty in eu-west-1 only; a log group kept forever (us-east-1).
s3 = client("s3", "us-east-1")
s3.create_bucket(Bucket="org-trail-logs")
s3.put_bucket_versioning(Bucket="org-trail-logs", VersioningConfiguration={"Status": "Enabled"})
# The trail also delivers to CloudWatch Logs, where a CIS 4.3 metric filter
# counts the root user's calls.
logs = client("logs", "us-east-1")
logs.create_log_group(logGroupName="cloudtrail")
logs.put_retention_policy(logGroupName="cloudtrail", retentionInDays=365)
logs.put_metric_filter(logGroupName="cloudtrail", filterName="root-usage", filterPattern=(
    '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'),
    metricTransformations=[{"metricName": "RootAccountUsage", "metricNamespace": "CISBenchmark", "metricValue": "1"}])
ct = client("cloudtrail", "us-east-1")
ct.create_trail(Name="org-trail", S3BucketName="org-trail-logs", IsMultiRegionTrail=True,
                EnableLogFileValidation=True, IncludeGlobalServiceEvents=True,
                CloudWatchLogsLogGroupArn="arn:aws:logs:us-east-1:123456789012:log-group:cloudtrail:*",
                CloudWatchLogsRoleArn=role_arn)
ct.start_logging(Name="org-trail")
cfg = client("config", "eu-west-1")
cfg.put_configuration_recorder(ConfigurationRecorder={
    "name": "default", "roleARN": role_arn,
    "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "org-trail-logs"})
cfg.start_configuration_recorder(ConfigurationRecorderName="default")
client("guardduty", "eu-west-1").create_detector(Enable=True)
client("securityhub", "eu-west-1").enable_security_hub()
client("logs", "us-east-1").create_log_group(logGroupName="/app/forever")
logs = client("logs", "eu-west-1")
logs.create_log_group(logGroupName="/app/kept")
logs.put_retention_policy(logGroupName="/app/kept", retentionInDays=365)
# VPC flow logs in eu-west-1 only, to that log group.
ec2 = client("ec2", "eu-west-1")
vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogGroupName="/app/kept",
                     DeliverLogsPermissionArn=role_arn)
topic = client("sns", "eu-west-1").create_topic(Name="ops-alerts")["TopicArn"]
client("sns", "eu-west-1").subscribe(TopicArn=topic, Protocol="email", Endpoint="ops@example.com")
client("cloudwatch", "eu-west-1").put_metric_alarm(
    AlarmName="orders-cpu", Namespace="AWS/RDS", MetricName="CPUUtilization",
    Dimensions=[{"Name": "DBInstanceIdentifier", "Value": "orders"}], Statistic="Average", Period=300,
    EvaluationPeriods=1, Threshold=80, ComparisonOperator="GreaterThanThreshold", AlarmActions=[topic])

# --- ECR: a repository without scan on push (us-east-1).
client("ecr", "us-east-1").create_repository(repositoryName="api")

# --- The edge: an internet-facing ALB answering HTTP without redirecting
# and without WAF (us-east-1); a regional web ACL with a rate rule.
ec2 = client("ec2", "us-east-1")
vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]][:2]
elb = client("elbv2", "us-east-1")
lb = elb.create_load_balancer(Name="web", Subnets=subnets, Scheme="internet-facing", Type="application")
lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
tg = elb.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
elb.create_listener(LoadBalancerArn=lb_arn, Protocol="HTTP", Port=80,
                    DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
client("wafv2", "eu-west-1").create_web_acl(
    Name="api-acl", Scope="REGIONAL", DefaultAction={"Allow": {}},
    VisibilityConfig={"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "api"},
    Rules=[{"Name": "rate", "Priority": 0, "Action": {"Block": {}},
            "Statement": {"RateBasedStatement": {"Limit": 1000, "AggregateKeyType": "IP"}},
            "VisibilityConfig": {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "rate"}}])
# A web ACL whose rate rule lives in a customer rule group.
waf = client("wafv2", "eu-west-1")
visibility = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}
group_arn = waf.create_rule_group(
    Name="shared-limits", Scope="REGIONAL", Capacity=10, VisibilityConfig=visibility,
    Rules=[{"Name": "per-ip", "Priority": 0, "Action": {"Block": {}}, "VisibilityConfig": visibility,
            "Statement": {"RateBasedStatement": {"Limit": 500, "AggregateKeyType": "IP"}}}])["Summary"]["ARN"]
waf.create_web_acl(
    Name="shared-acl", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=visibility,
    Rules=[{"Name": "shared", "Priority": 0, "OverrideAction": {"None": {}}, "VisibilityConfig": visibility,
            "Statement": {"RuleGroupReferenceStatement": {"ARN": group_arn}}}])

# --- CloudFront: a distribution serving the public bucket over HTTP too,
# without origin access control, and an origin whose bucket was deleted.
client("cloudfront", "us-east-1").create_distribution(DistributionConfig={
    "CallerReference": "assets", "Comment": "assets", "Enabled": True,
    "Origins": {"Quantity": 2, "Items": [{"Id": "assets", "DomainName": "public-assets.s3.amazonaws.com",
                                          "S3OriginConfig": {"OriginAccessIdentity": ""}},
                                         {"Id": "old", "DomainName": "deleted-campaign.s3.amazonaws.com",
                                          "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "assets", "ViewerProtocolPolicy": "allow-all",
                             "TrustedSigners": {"Enabled": False, "Quantity": 0},
                             "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                             "MinTTL": 0}})

# --- IAM: a console user without MFA, with an access key and an admin
# policy; a weak password policy.
iam.create_user(UserName="alice")
iam.create_login_profile(UserName="alice", Password="Str0ng-enough-password!")
iam.create_access_key(UserName="alice")
admin = iam.create_policy(PolicyName="everything", PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))["Policy"]["Arn"]
iam.attach_user_policy(UserName="alice", PolicyArn=admin)
iam.update_account_password_policy(MinimumPasswordLength=8)
# bob is an administrator through his group, with AWS's own policy.
iam.create_user(UserName="bob")
iam.create_group(GroupName="admins")
iam.attach_group_policy(GroupName="admins", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
iam.add_user_to_group(GroupName="admins", UserName="bob")

# --- Elastic Beanstalk: an environment whose settings moto cannot serve
# (DescribeConfigurationSettings answers 500): a real gap.
eb = client("elasticbeanstalk", "us-east-1")
eb.create_application(ApplicationName="shop")
eb.create_environment(ApplicationName="shop", EnvironmentName="shop-prod", SolutionStackName="64bit Amazon Linux 2023 v4.0.0 running Python 3.11")

# --- S3 account-level Block Public Access, three of four settings on. S3
# Control sends requests to <account>.<host>, which does not resolve for
# 127.0.0.1: the request is sent to the host itself instead.
s3control = client("s3control", "us-east-1")
s3control.meta.events.register(
    "before-send.s3-control.*",
    lambda request, **_: setattr(request, "url", request.url.replace("123456789012." + endpoint.split("//")[1], endpoint.split("//")[1])))
s3control.put_public_access_block(AccountId="123456789012", PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": False})

# --- Seed 002's backend: an ECS cluster whose Fargate service gives its
# tasks public addresses and whose group admits the VPC range beside the
# load balancer's group (us-east-1).
ec2 = client("ec2", "us-east-1")
alb_sg = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
elb.set_security_groups(LoadBalancerArn=lb_arn, SecurityGroups=[alb_sg])
api_sg = ec2.create_security_group(GroupName="api", Description="api", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=api_sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": alb_sg}]},
    {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "IpRanges": [{"CidrIp": "172.31.0.0/16"}]}])
ecs = client("ecs", "us-east-1")
ecs.create_cluster(clusterName="app")
ecs.register_task_definition(family="api-web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
                             memory="512", containerDefinitions=[{"name": "api", "image": "nginx"}])
ecs.create_service(cluster="app", serviceName="api", taskDefinition="api-web", desiredCount=1, launchType="FARGATE",
                   loadBalancers=[{"targetGroupArn": tg, "containerName": "api", "containerPort": 8080}],
                   networkConfiguration={"awsvpcConfiguration": {
                       "subnets": subnets, "securityGroups": [api_sg], "assignPublicIp": "ENABLED"}})
# Deletion protection and access logs on, desync mitigation in monitor mode.
elb.modify_load_balancer_attributes(LoadBalancerArn=lb_arn, Attributes=[
    {"Key": "deletion_protection.enabled", "Value": "true"},
    {"Key": "routing.http.desync_mitigation_mode", "Value": "monitor"}])

# --- Snapshots: a public EBS snapshot (us-east-1); a public manual DB
# snapshot and one shared with a single account (eu-west-1 database).
vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
snap = ec2.create_snapshot(VolumeId=vol, Description="disk before upgrade")["SnapshotId"]
ec2.modify_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"])
client("ec2", "eu-west-1").create_snapshot(
    VolumeId=client("ec2", "eu-west-1").create_volume(AvailabilityZone="eu-west-1a", Size=1)["VolumeId"])
rds = client("rds", "eu-west-1")
rds.create_db_snapshot(DBInstanceIdentifier="orders", DBSnapshotIdentifier="orders-export")
rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="orders-export", AttributeName="restore", ValuesToAdd=["all"])
rds.create_db_snapshot(DBInstanceIdentifier="orders", DBSnapshotIdentifier="orders-shared")
rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="orders-shared", AttributeName="restore", ValuesToAdd=["111122223333"])

# --- Certificates: an imported ACM certificate expiring in 10 days, not in
# use; an expired IAM server certificate.
import datetime
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def certificate(name, not_after):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(not_after - datetime.timedelta(days=365))
            .not_valid_after(not_after).sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()))


now = datetime.datetime.now(datetime.timezone.utc)
pem, key = certificate("shop.example.com", now + datetime.timedelta(days=10))
client("acm", "us-east-1").import_certificate(Certificate=pem, PrivateKey=key)
pem, key = certificate("old.example.com", now - datetime.timedelta(days=30))
iam.upload_server_certificate(ServerCertificateName="old-www", CertificateBody=pem.decode(), PrivateKey=key.decode())

# --- EFS: an unencrypted file system (us-east-1), an encrypted one (eu-west-1).
client("efs", "us-east-1").create_file_system(CreationToken="shared", Encrypted=False, Tags=[{"Key": "Name", "Value": "shared"}])
client("efs", "eu-west-1").create_file_system(CreationToken="media", Encrypted=True)

# --- Roles: the GitHub Actions role of docs/github-actions.md without a sub
# condition; a vendor's cross-account role with an external id.
iam.create_role(RoleName="gha-audit", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
    "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}]}))
iam.create_role(RoleName="vendor-read", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Condition": {"StringEquals": {"sts:ExternalId": "7f3c2a"}}}]}))
# A virtual MFA device named as the console names root's (not assignable to
# root through the API; it stays unassigned).
iam.create_virtual_mfa_device(VirtualMFADeviceName="spare-phone")


# --- An organization (this account is its management account): member
# accounts under nested OUs, each seeded through a role in it, with findings
# of its own. Their ids are random: they are written to .moto/org.json for
# the organization tests.
org = client("organizations", "us-east-1")
org.create_organization(FeatureSet="ALL")
root = org.list_roots()["Roots"][0]["Id"]
workloads = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
prod_ou = org.create_organizational_unit(ParentId=workloads, Name="prod")["OrganizationalUnit"]["Id"]
staging_ou = org.create_organizational_unit(ParentId=workloads, Name="staging")["OrganizationalUnit"]["Id"]


def member(name, ou, tags):
    account = org.create_account(AccountName=name, Email=f"{name}@example.com",
                                 Tags=[{"Key": k, "Value": v} for k, v in tags.items()])["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ou)
    return account


def in_account(account, service):
    creds = client("sts", "us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/posture-audit", RoleSessionName="seed")["Credentials"]
    return boto3.client(service, region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def open_port(account, name, port):
    ec2 = in_account(account, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


members = {
    "shop-prod": member("shop-prod", prod_ou, {"env": "prod"}),
    "shop-staging": member("shop-staging", staging_ou, {"env": "staging"}),
    "sandbox": member("sandbox", workloads, {}),
    "legacy-locked": member("legacy-locked", prod_ou, {}),
}
open_port(members["shop-prod"], "admin-ssh", 22)
open_port(members["shop-staging"], "admin-rdp", 3389)
closed = member("closed-project", workloads, {})
org.close_account(AccountId=closed)
with open(".moto/org.json", "w") as f:
    json.dump({"accounts": members, "closed": closed,
               "ous": {"workloads": workloads, "prod": prod_ou, "staging": staging_ou}}, f, indent=2)

print("seeded", endpoint)
