#!/usr/bin/env python3
"""Baton's CodePipeline operations beyond a pipeline's life, through boto3 as shipped: tags,
GetActionType, ListRuleTypes, ListRuleExecutions, PutWebhook/ListWebhooks/DeleteWebhook with a
signed delivery, and the clear error of an operation that cannot apply self-hosted.
Run by Tests/IntegrationTests/ClientLifecycleTests.swift.

Usage: api_coverage.py ENDPOINT
Prints one line per step and exits 0 when every expectation held, 1 with the reason otherwise.
"""
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.request

import boto3

ENDPOINT = sys.argv[1]
client = boto3.client("codepipeline", endpoint_url=ENDPOINT, region_name="us-east-1",
                      aws_access_key_id="baton", aws_secret_access_key="baton")


def expect(condition, message):
    if not condition:
        print(f"FAILED: {message}", flush=True)
        sys.exit(1)


def error_code(call):
    try:
        call()
    except client.exceptions.ClientError as error:
        return error.response["Error"]["Code"], error.response["Error"]["Message"]
    return None, None


def wait(execution_id, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        execution = client.get_pipeline_execution(pipelineName="api", pipelineExecutionId=execution_id)["pipelineExecution"]
        if execution["status"] not in ("InProgress", "Stopping"):
            return execution
        time.sleep(0.1)
    expect(False, f"execution {execution_id} did not end")


client.create_pipeline(pipeline={
    "name": "api", "roleArn": "arn:aws:iam::000000000000:role/baton",
    "artifactStore": {"type": "S3", "location": "baton-artifacts"}, "pipelineType": "V2",
    "variables": [{"name": "env", "defaultValue": "prod"}],
    "stages": [
        {"name": "Source", "actions": [{
            "name": "Fetch", "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
            "configuration": {"S3Bucket": "b", "S3ObjectKey": "s.zip", "PollForSourceChanges": "false"},
            "outputArtifacts": [{"name": "Src"}]}]},
        {"name": "Build",
         "beforeEntry": {"conditions": [{"result": "FAIL", "rules": [{
             "name": "OnlyProd", "ruleTypeId": {"category": "Rule", "owner": "AWS", "provider": "VariableCheck", "version": "1"},
             "configuration": {"Variable": "#{variables.env}", "Value": "prod", "Operator": "EQ"}}]}]},
         "actions": [{"name": "Make", "actionTypeId": {"category": "Compute", "owner": "AWS", "provider": "Commands", "version": "1"},
                      "commands": ["true"], "inputArtifacts": [{"name": "Src"}]}]},
    ],
}, tags=[{"key": "team", "value": "web"}])

# Tags
arn = client.get_pipeline(name="api")["metadata"]["pipelineArn"]
expect(client.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "team", "value": "web"}], "CreatePipeline's tags are kept")
client.tag_resource(resourceArn=arn, tags=[{"key": "tier", "value": "1"}, {"key": "team", "value": "platform"}])
client.untag_resource(resourceArn=arn, tagKeys=["tier"])
expect(client.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "team", "value": "platform"}], "tag and untag")
expect(error_code(lambda: client.list_tags_for_resource(resourceArn="not-an-arn"))[0] == "InvalidArnException", "a malformed ARN")
expect(error_code(lambda: client.list_tags_for_resource(resourceArn=arn + "-gone"))[0] == "ResourceNotFoundException", "an unknown resource")
too_many = [{"key": f"k{i}", "value": "v"} for i in range(51)]
expect(error_code(lambda: client.tag_resource(resourceArn=arn, tags=too_many))[0] == "TooManyTagsException", "51 tags")
print("tags", flush=True)

# Action and rule types
declaration = client.get_action_type(category="Source", owner="AWS", provider="S3", version="1")["actionType"]
expect(declaration["executor"]["type"] == "JobWorker" and declaration["outputArtifactDetails"]["maximumCount"] >= 1, f"GetActionType: {declaration}")
expect(error_code(lambda: client.get_action_type(category="Build", owner="Custom", provider="Nope", version="1"))[0] == "ActionTypeNotFoundException", "unknown type")
providers = {rule["id"]["provider"] for rule in client.list_rule_types()["ruleTypes"]}
expect({"VariableCheck", "DeploymentWindow", "Commands", "LambdaInvoke"} <= providers, f"ListRuleTypes: {providers}")
print("types", flush=True)

# A run whose Build stage has an entry condition, then its rule's record
first = client.start_pipeline_execution(name="api")["pipelineExecutionId"]
expect(wait(first)["status"] == "Succeeded", "the run succeeds")
rules = client.list_rule_executions(pipelineName="api", filter={"pipelineExecutionId": first})["ruleExecutionDetails"]
expect([(r["stageName"], r["ruleName"], r["status"]) for r in rules] == [("Build", "OnlyProd", "Succeeded")], f"ListRuleExecutions: {rules}")
second = client.start_pipeline_execution(name="api")["pipelineExecutionId"]
expect(wait(second)["status"] == "Succeeded", "a second run succeeds")
paged, token, pages = [], None, 0
while pages < 10:
    page = client.list_rule_executions(pipelineName="api", maxResults=1, **({"nextToken": token} if token else {}))
    paged += [r["pipelineExecutionId"] for r in page["ruleExecutionDetails"]]
    pages += 1
    token = page.get("nextToken")
    if not token:
        break
expect(paged == [second, first], f"ListRuleExecutions one a page, newest run first: {paged}")
print("rules", flush=True)

# Webhooks: a signed delivery whose key matches starts the pipeline
hook = client.put_webhook(webhook={
    "name": "deliveries", "targetPipeline": "api", "targetAction": "Fetch",
    "filters": [{"jsonPath": "$.object.key", "matchEquals": "{S3ObjectKey}"}],
    "authentication": "GITHUB_HMAC", "authenticationConfiguration": {"SecretToken": "s3cret"}})["webhook"]
url = hook["url"]
expect(url.startswith(ENDPOINT + "/baton/webhooks/v1/") and hook["arn"].endswith(":webhook:deliveries"), f"PutWebhook: {hook}")


def deliver(payload, secret="s3cret"):
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


status, answer = deliver({"object": {"key": "other.zip"}})
expect(status == 200 and "ignored" in answer, f"a delivery that does not match: {status} {answer}")
status, answer = deliver({"object": {"key": "s.zip"}}, secret="wrong")
expect(status == 401, f"a wrong signature: {status} {answer}")
status, answer = deliver({"object": {"key": "s.zip"}})
expect(status == 200 and "pipelineExecutionId" in answer, f"a matching delivery: {status} {answer}")
started = wait(answer["pipelineExecutionId"])
expect(started["trigger"]["triggerType"] == "Webhook" and started["trigger"]["triggerDetail"] == hook["arn"], f"trigger: {started['trigger']}")
listed = client.list_webhooks()["webhooks"]
expect([w["definition"]["name"] for w in listed] == ["deliveries"] and listed[0].get("lastTriggered"), f"ListWebhooks: {listed}")
client.delete_webhook(name="deliveries")
client.delete_webhook(name="deliveries")  # deleting a deleted webhook succeeds
expect(deliver({"object": {"key": "s.zip"}})[0] == 404, "a deleted webhook's URL answers 404")
code, message = error_code(lambda: client.put_webhook(webhook={
    "name": "bad", "targetPipeline": "api", "targetAction": "Fetch", "filters": [{"jsonPath": "ref"}],
    "authentication": "UNAUTHENTICATED", "authenticationConfiguration": {}}))
expect(code == "InvalidWebhookFilterPatternException", f"a bad JSON path: {code} {message}")
print("webhooks", flush=True)

code, message = error_code(lambda: client.poll_for_third_party_jobs(actionTypeId={"category": "Build", "owner": "ThirdParty", "provider": "X", "version": "1"}))
expect(code == "ValidationException" and "does not apply to a self-hosted Baton coordinator" in message, f"{code}: {message}")
print("not applicable: " + message, flush=True)
print("done", flush=True)
