"""Seeds a moto server with an organization of N member accounts (default
50), each with a realistic mix in two regions: a VPC with public and private
subnets, security groups (one open to the world), an instance, a database,
a bucket, an IAM user with a key and a role, a KMS key, a log group. Writes
the accounts file for `audit org scan`. Usage:
seed_org_bench.py ENDPOINT_URL ACCOUNTS_JSON [N]"""
import json
import sys

import boto3

endpoint, out = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 50


def client(service, region="us-east-1", creds=None):
    keys = creds or {"AccessKeyId": "testing", "SecretAccessKey": "testing", "SessionToken": None}
    return boto3.client(service, region_name=region, endpoint_url=endpoint,
                        aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"],
                        aws_session_token=keys["SessionToken"])


org = client("organizations")
org.create_organization(FeatureSet="ALL")
root = org.list_roots()["Roots"][0]["Id"]
ou = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
accounts = []
for n in range(count):
    name = f"team-{n:02d}"
    account = org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ou)
    creds = client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/posture-audit",
                                      RoleSessionName="seed")["Credentials"]
    for region in ["us-east-1", "eu-west-1"]:
        ec2 = client("ec2", region, creds)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        ec2.associate_route_table(RouteTableId=table, SubnetId=public)
        web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        db = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": web}]}])
        ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                          SubnetId=public, SecurityGroupIds=[web])
        client("rds", region, creds).create_db_instance(
            DBInstanceIdentifier=f"{name}-db", Engine="postgres", DBInstanceClass="db.t4g.micro",
            MasterUsername="app", MasterUserPassword="not-a-real-password-1", AllocatedStorage=20,
            StorageEncrypted=n % 2 == 0, VpcSecurityGroupIds=[db])
        client("kms", region, creds).create_key(Description=f"{name} data")
        client("logs", region, creds).create_log_group(logGroupName=f"/{name}/app")
    s3 = client("s3", "us-east-1", creds)
    s3.create_bucket(Bucket=f"{name}-{account}-assets")
    iam = client("iam", "us-east-1", creds)
    iam.create_user(UserName="deploy")
    iam.create_access_key(UserName="deploy")
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    accounts.append({"id": account, "name": name, "ou_path": "/workloads", "state": "ACTIVE"})
with open(out, "w") as f:
    json.dump({"format": "posture-audit/accounts", "version": 1, "accounts": accounts}, f, indent=2)
print(f"seeded {count} accounts")
