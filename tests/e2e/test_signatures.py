"""--verify-signatures (issue #14): real clients signing with the right secret are served in the
credential's account; a wrong secret, an unknown key, a stale date or no signature get AWS's
errors. Off by default (every other e2e test signs with a made-up secret)."""
import json
import os
import subprocess
import time

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from conftest import aws_cli_bin, emulator_bin, fake_authorization, json_error

KEY, SECRET, ACCOUNT = "AKIDRIGHT", "right/Secret+Key", "123456789012"
FILE_KEY, FILE_SECRET = "AKIDFILE", "file-secret"
ENV_KEY, ENV_SECRET = "AKIDENV", "env-secret"


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory):
    from conftest import Emulator
    directory = tmp_path_factory.mktemp("creds")
    creds = directory / "credentials"
    creds.write_text(f"# comment\n{FILE_KEY}:{FILE_SECRET}  # trailing\n")
    env = dict(os.environ, ECS_EMULATOR_CREDENTIALS=f"{ENV_KEY}:{ENV_SECRET}")
    emu = Emulator(ephemeral=True, env=env, extra_args=[
        "--verify-signatures", "--credential", f"{KEY}:{SECRET}:{ACCOUNT}",
        "--credentials-file", str(creds)])
    emu.start()
    yield emu
    emu.stop_clean()


def client(server, key, secret):
    return boto3.session.Session().client(
        "ecs", region_name="us-east-1", endpoint_url=server.url, aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=botocore.config.Config(retries={"total_max_attempts": 1}))


def code_of(call):
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


def test_boto3_with_the_right_keys_is_served_in_the_credentials_account(signed_server):
    ecs = client(signed_server, KEY, SECRET)
    arn = ecs.create_cluster(clusterName="signed")["cluster"]["clusterArn"]
    assert arn == f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/signed"
    # File and environment credentials work too; without an account they use --account-id.
    for key, secret in [(FILE_KEY, FILE_SECRET), (ENV_KEY, ENV_SECRET)]:
        out = client(signed_server, key, secret).list_clusters()
        assert out["clusterArns"] == [], key


def test_boto3_with_wrong_keys_is_refused(signed_server):
    good = client(signed_server, KEY, SECRET)
    good.create_cluster(clusterName="keep")
    code, message = code_of(lambda: client(signed_server, KEY, "wrong").delete_cluster(
        cluster="keep"))
    assert code == "InvalidSignatureException"
    assert message.startswith("The request signature we calculated does not match")
    code, message = code_of(lambda: client(signed_server, "AKIDUNKNOWN", SECRET).list_clusters())
    assert (code, message) == ("UnrecognizedClientException",
                               "The security token included in the request is invalid.")
    assert good.describe_clusters(clusters=["keep"])["clusters"][0]["status"] == "ACTIVE"


def test_the_aws_cli_with_right_and_wrong_keys(signed_server):
    def cli(key, secret):
        env = dict(os.environ, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, AWS_PAGER="",
                   AWS_MAX_ATTEMPTS="1", AWS_CONFIG_FILE=os.devnull,
                   AWS_SHARED_CREDENTIALS_FILE=os.devnull)
        return subprocess.run([aws_cli_bin(), "ecs", "list-clusters", "--endpoint-url",
                               signed_server.url, "--region", "us-east-1", "--output", "json"],
                              capture_output=True, text=True, timeout=60, env=env)
    ok = cli(KEY, SECRET)
    assert ok.returncode == 0, ok.stderr
    assert "clusterArns" in json.loads(ok.stdout)
    bad = cli(KEY, "wrong")
    assert bad.returncode != 0
    assert "InvalidSignatureException" in bad.stderr, bad.stderr


def test_unsigned_stale_and_incomplete_requests(signed_server):
    status, code, message, _ = json_error(signed_server.raw("ListClusters", sign=False))
    assert (status, code, message) == (400, "MissingAuthenticationTokenException",
                                       "Missing Authentication Token")
    # A made-up signature of a known key, then a date an hour old.
    status, code, _, _ = json_error(signed_server.raw("ListClusters", access_key=KEY))
    assert (status, code) == (400, "InvalidSignatureException")
    old = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() - 3600))
    _, authorization = fake_authorization(access_key=KEY)
    authorization = authorization.replace(authorization.split("/")[1], old[:8])
    status, code, message, _ = json_error(signed_server.raw(
        "ListClusters", sign=False, headers={"Authorization": authorization, "X-Amz-Date": old}))
    assert (status, code) == (400, "InvalidSignatureException"), message
    assert message.startswith(f"Signature expired: {old} is now earlier than "), message
    status, code, message, _ = json_error(signed_server.raw(
        "ListClusters", sign=False,
        headers={"Authorization": f"AWS4-HMAC-SHA256 Credential={KEY}/20250101/us-east-1/ecs/"
                                  "aws4_request"}))
    assert (status, code) == (400, "IncompleteSignatureException"), message
    assert "requires 'Signature' parameter" in message


@pytest.mark.parametrize("args,env,problem", [
    (["--verify-signatures"], {}, "--verify-signatures needs at least one --credential"),
    (["--credential", "K:S"], {}, "credentials are given but --verify-signatures is not"),
    (["--verify-signatures", "--credential", "K"], {}, "ACCESS_KEY:SECRET[:ACCOUNT]"),
    (["--verify-signatures"], {"ECS_EMULATOR_CREDENTIALS": "K:S:1"}, "must be 12 digits"),
])
def test_bad_credential_options_stop_start_up(args, env, problem):
    p = subprocess.run([emulator_bin(), "--ephemeral", "--port", "0", *args],
                       capture_output=True, text=True, timeout=30,
                       env=dict(os.environ, **env))
    assert p.returncode == 2, p.stderr
    assert problem in p.stderr, p.stderr
