"""Seeds a moto server with a small account across two regions, through the
AWS APIs: compliant and non-compliant resources for the live-collection
tests. Usage: seed_moto.py ENDPOINT_URL"""
import json
import sys

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

# S3: a public bucket in us-east-1, a locked-down one in eu-west-1.
s3 = client("s3", "us-east-1")
s3.create_bucket(Bucket="public-assets")
s3.put_bucket_policy(Bucket="public-assets", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public-assets/*"}]}))
s3 = client("s3", "eu-west-1")
s3.create_bucket(Bucket="private-logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
s3.put_public_access_block(Bucket="private-logs", PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
s3.put_bucket_encryption(Bucket="private-logs", ServerSideEncryptionConfiguration={
    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}]})
print("seeded", endpoint)
