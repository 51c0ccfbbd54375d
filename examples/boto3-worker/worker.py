#!/usr/bin/env python3
"""A CodePipeline custom-action job worker written against boto3, run unchanged against Baton.

It is the worker you would write for AWS: PollForJobs -> AcknowledgeJob -> fetch the input
artifact from S3 -> work -> put the output artifact to S3 -> PutJobSuccessResult (or
PutJobFailureResult). Pointing it at Baton takes only the endpoint, for both clients:

    worker.py http://127.0.0.1:8080            # runs until interrupted
    worker.py http://127.0.0.1:8080 --jobs 2   # exits after two jobs

The action type is Build/Custom/LineCount/1: it counts the lines of the text files in its input
artifact, fails when there are fewer than the `Minimum` configuration property, and otherwise
writes report.txt into its output artifact and sets the output variables Lines and Files.
Credentials come from the usual AWS environment variables (any values when the coordinator
checks no signatures); the artifact bucket is reached with the job's artifactCredentials.
"""
import io
import os
import sys
import time
import zipfile

import boto3
from botocore.config import Config

ACTION_TYPE = {"category": "Build", "owner": "Custom", "provider": "LineCount", "version": "1"}


def clients(endpoint):
    session = boto3.session.Session(
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "baton"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "baton"),
        region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
    )
    return session, session.client("codepipeline", endpoint_url=endpoint)


def artifact_bucket(session, endpoint, credentials):
    return session.client(
        "s3", endpoint_url=endpoint,
        aws_access_key_id=credentials["accessKeyId"],
        aws_secret_access_key=credentials["secretAccessKey"],
        aws_session_token=credentials["sessionToken"],
        config=Config(s3={"addressing_style": "path"}),
    )


def count_lines(archive):
    files = lines = 0
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        for name in zipped.namelist():
            if name.endswith("/"):
                continue
            files += 1
            lines += len(zipped.read(name).splitlines())
    return files, lines


def run(job, session, codepipeline, endpoint):
    data = job["data"]
    s3 = artifact_bucket(session, endpoint, data["artifactCredentials"])
    source = data["inputArtifacts"][0]["location"]["s3Location"]
    archive = s3.get_object(Bucket=source["bucketName"], Key=source["objectKey"])["Body"].read()
    files, lines = count_lines(archive)
    minimum = int(data["actionConfiguration"]["configuration"].get("Minimum", "0"))
    if lines < minimum:
        codepipeline.put_job_failure_result(
            jobId=job["id"], failureDetails={"type": "JobFailed", "message": f"only {lines} lines; at least {minimum} needed"})
        return
    report = io.BytesIO()
    with zipfile.ZipFile(report, "w") as zipped:
        zipped.writestr("report.txt", f"files={files}\nlines={lines}\n")
    target = data["outputArtifacts"][0]["location"]["s3Location"]
    s3.put_object(Bucket=target["bucketName"], Key=target["objectKey"], Body=report.getvalue())
    codepipeline.put_job_success_result(
        jobId=job["id"],
        executionDetails={"summary": f"{lines} lines in {files} files", "percentComplete": 100},
        outputVariables={"Lines": str(lines), "Files": str(files)},
    )


def main():
    endpoint = sys.argv[1]
    remaining = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--jobs" else None
    session, codepipeline = clients(endpoint)
    print(f"polling {endpoint} for {ACTION_TYPE['provider']} jobs", flush=True)
    while remaining is None or remaining > 0:
        jobs = codepipeline.poll_for_jobs(actionTypeId=ACTION_TYPE, maxBatchSize=1).get("jobs", [])
        if not jobs:
            time.sleep(0.2)
            continue
        job = jobs[0]
        codepipeline.acknowledge_job(jobId=job["id"], nonce=job["nonce"])
        try:
            run(job, session, codepipeline, endpoint)
            print(f"finished job {job['id']}", flush=True)
        except Exception as error:  # a worker reports what went wrong rather than dying
            codepipeline.put_job_failure_result(
                jobId=job["id"], failureDetails={"type": "JobFailed", "message": f"{type(error).__name__}: {error}"})
        if remaining is not None:
            remaining -= 1


if __name__ == "__main__":
    main()
