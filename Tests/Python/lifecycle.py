#!/usr/bin/env python3
"""Drives a pipeline's whole life on a Baton coordinator through boto3 or the aws CLI, exactly as
against AWS: create, start, watch, retry, approve, stop, roll back. Run by
Tests/IntegrationTests/Boto3LifecycleTests.swift.

Usage: lifecycle.py ENDPOINT FLAG_FILE [boto3|aws-cli]
The Build action fails until FLAG_FILE exists; the script creates it before retrying.
Prints one line per step and exits 0 when every expectation held, 1 with the reason otherwise.
"""
import json
import os
import re
import subprocess
import sys
import time

import boto3

ENDPOINT, FLAG = sys.argv[1], sys.argv[2]
VIA = sys.argv[3] if len(sys.argv) > 3 else "boto3"
boto = boto3.client("codepipeline", endpoint_url=ENDPOINT, region_name="us-east-1",
                    aws_access_key_id="baton", aws_secret_access_key="baton")


class APIError(Exception):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code


def call(operation, **params):
    """One CodePipeline operation, through boto3 or as an `aws codepipeline` command."""
    if VIA == "boto3":
        try:
            return getattr(boto, operation)(**params)
        except boto.exceptions.ClientError as error:
            raise APIError(error.response["Error"]["Code"], error.response["Error"]["Message"])
    command = ["aws", "codepipeline", operation.replace("_", "-"), "--endpoint-url", ENDPOINT,
               "--cli-input-json", json.dumps(params), "--output", "json"]
    environment = dict(os.environ, AWS_ACCESS_KEY_ID="baton", AWS_SECRET_ACCESS_KEY="baton", AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")
    run = subprocess.run(command, capture_output=True, text=True, env=environment)
    if run.returncode != 0:
        found = re.search(r"An error occurred \((\w+)\)[^:]*: (.*)", run.stderr)
        raise APIError(found.group(1) if found else "CLIError", found.group(2) if found else run.stderr)
    return json.loads(run.stdout) if run.stdout.strip() else {}


def expect(condition, message):
    if not condition:
        print(f"FAILED: {message}", flush=True)
        sys.exit(1)


def step(text):
    print(text, flush=True)


def watch(execution_id, until, timeout=60):
    """Polls GetPipelineExecution until its status is one of `until`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        execution = call("get_pipeline_execution", pipelineName="lifecycle", pipelineExecutionId=execution_id)["pipelineExecution"]
        if execution["status"] in until:
            return execution
        time.sleep(0.1)
    expect(False, f"execution {execution_id} did not reach {until} in {timeout} s")


def pending_approval(timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        state = call("get_pipeline_state", name="lifecycle")
        gate = next(stage for stage in state["stageStates"] if stage["stageName"] == "Gate")
        latest = gate["actionStates"][0].get("latestExecution", {})
        if latest.get("status") == "InProgress" and latest.get("token"):
            return latest["token"], gate["latestExecution"]["pipelineExecutionId"]
        time.sleep(0.1)
    expect(False, "no approval became pending")


def approve(token):
    call("put_approval_result", pipelineName="lifecycle", stageName="Gate", actionName="Approve",
                               result={"summary": "looks good", "status": "Approved"}, token=token)


commands = {"category": "Compute", "owner": "AWS", "provider": "Commands", "version": "1"}
call("create_pipeline", pipeline={
    "name": "lifecycle",
    "roleArn": "arn:aws:iam::000000000000:role/baton",
    "artifactStore": {"type": "S3", "location": "baton-artifacts"},
    "pipelineType": "V2",
    "executionMode": "QUEUED",
    "stages": [
        {"name": "Source", "actions": [{
            "name": "Fetch", "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
            "configuration": {"S3Bucket": "b", "S3ObjectKey": "s.zip", "PollForSourceChanges": "false"},
            "outputArtifacts": [{"name": "Src"}]}]},
        {"name": "Build", "actions": [{
            "name": "Check", "actionTypeId": commands, "commands": [f"test -e {FLAG}"], "inputArtifacts": [{"name": "Src"}]}]},
        {"name": "Gate", "actions": [{
            "name": "Approve", "actionTypeId": {"category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1"}}]},
        {"name": "Deploy", "actions": [{
            "name": "Ship", "actionTypeId": commands, "commands": ["echo shipped"], "inputArtifacts": [{"name": "Src"}]}]},
    ],
})
names = [p["name"] for p in call("list_pipelines")["pipelines"]]
expect("lifecycle" in names, f"list_pipelines: {names}")
step("created")

first = call("start_pipeline_execution", name="lifecycle", clientRequestToken="first-run")["pipelineExecutionId"]
again = call("start_pipeline_execution", name="lifecycle", clientRequestToken="first-run")["pipelineExecutionId"]
expect(first == again, "a repeated clientRequestToken starts nothing new")
failed = watch(first, {"Failed"})
step(f"first run failed in Build: {failed.get('statusSummary', '')}")

open(FLAG, "w").close()
call("retry_stage_execution", pipelineName="lifecycle", stageName="Build", pipelineExecutionId=first, retryMode="FAILED_ACTIONS")
token, waiting = pending_approval()
expect(waiting == first, "the retried execution waits at the approval")
approve(token)
watch(first, {"Succeeded"})
step("retried, approved and succeeded")

second = call("start_pipeline_execution", name="lifecycle")["pipelineExecutionId"]
token, waiting = pending_approval()
expect(waiting == second, "the second run waits at the approval")
call("stop_pipeline_execution", pipelineName="lifecycle", pipelineExecutionId=second, abandon=True, reason="not this one")
stopped = watch(second, {"Stopped"})
step(f"second run stopped: {stopped['status']}")

third = call("start_pipeline_execution", name="lifecycle")["pipelineExecutionId"]
token, _ = pending_approval()
approve(token)
watch(third, {"Succeeded"})
step("third run succeeded")

rollback = call("rollback_stage", pipelineName="lifecycle", stageName="Deploy", targetPipelineExecutionId=first)["pipelineExecutionId"]
rolled = watch(rollback, {"Succeeded"})
expect(rolled.get("executionType") == "ROLLBACK", f"rollback execution type: {rolled.get('executionType')}")
expect(rolled.get("rollbackMetadata", {}).get("rollbackTargetPipelineExecutionId") == first, f"rollback target: {rolled.get('rollbackMetadata')}")
step("rolled Deploy back to the first run")

if VIA == "boto3":
    pages = boto.get_paginator("list_pipeline_executions").paginate(pipelineName="lifecycle", PaginationConfig={"PageSize": 2})
    summaries = pages.build_full_result()["pipelineExecutionSummaries"]
else:
    summaries = call("list_pipeline_executions", pipelineName="lifecycle")["pipelineExecutionSummaries"]
statuses = {summary["pipelineExecutionId"]: summary["status"] for summary in summaries}
expect(statuses == {first: "Succeeded", second: "Stopped", third: "Succeeded", rollback: "Succeeded"}, f"history: {statuses}")
expect(all(summary["startTime"] for summary in summaries), "every summary has a start time")
actions = call("list_action_executions", pipelineName="lifecycle", filter={"pipelineExecutionId": first})["actionExecutionDetails"]
expect({(a["stageName"], a["status"]) for a in actions} >= {("Build", "Succeeded"), ("Gate", "Succeeded")}, f"action executions: {actions}")

try:
    call("get_pipeline", name="missing")
    expect(False, "get_pipeline of a missing pipeline must fail")
except APIError as error:
    step(f"modeled error: {error.code}")
if VIA == "boto3":
    try:
        boto.get_pipeline(name="missing")
    except boto.exceptions.PipelineNotFoundException:
        step("boto3 raised its modeled exception class")
call("delete_pipeline", name="lifecycle")
step("done")
