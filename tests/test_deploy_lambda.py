"""AWS Lambda: the deployment zip `footcoach build-lambda` makes, its handler, and the template.

The zip is built for real (pip installs the runtime dependencies from the package index) and
its handler is run the way Lambda runs it: in a fresh Python that sees only the unpacked zip
and the standard library, in a read-only spirit (no bytecode written).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint
from cfnlint.decode import decode_str
from click.testing import CliRunner
from dynamo_server import FAKE_AWS_ENVIRONMENT, running_dynamodb

from skill.cli import main
from skill.packaging import lambda_zip
from skill.packaging.lambda_zip import DEFAULT_OUT, LAMBDA_PYTHON, BuildError, build_lambda_zip

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "deploy" / "template.yaml"
LAUNCH = json.loads((ROOT / "tests" / "requests" / "launch.json").read_text())
SKILL_ID = LAUNCH["context"]["System"]["application"]["applicationId"]
OTHER_SKILL_ID = "amzn1.ask.skill.99999999-8888-7777-6666-555555555555"
#: Regions where the Alexa Skills Kit can trigger a Lambda function.
ALEXA_REGIONS = ["us-east-1", "eu-west-1", "us-west-2", "ap-northeast-1"]


# -- the zip ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lambda_zip_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist") / "footcoach-lambda.zip"
    result = CliRunner().invoke(main, ["build-lambda", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    return out


@pytest.fixture(scope="module")
def unpacked(lambda_zip_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("task")
    with zipfile.ZipFile(lambda_zip_path) as archive:
        archive.extractall(directory)
    return directory


def test_the_zip_holds_the_handler_content_and_dependencies(lambda_zip_path):
    with zipfile.ZipFile(lambda_zip_path) as archive:
        names = set(archive.namelist())
    assert "skill/lambda_function.py" in names
    assert "content/routines/classic.json" in names  # beside skill/, where the loader looks
    assert "content/schema/content.schema.json" in names
    for package in ("ask_sdk_core", "ask_sdk_model", "ask_sdk_dynamodb", "jsonschema"):
        assert f"{package}/__init__.py" in names
    assert "content/.validated" in names  # the checked content's fingerprint: a fast start
    version = "".join(map(str, LAMBDA_PYTHON))
    assert f"skill/__pycache__/lambda_function.cpython-{version}.pyc" in names
    assert not any(name.startswith(("tests/", "bin/", "interaction_models/")) for name in names)
    # what the function never imports stays out (and the handler test shows it is not missed)
    unused = ("flask/", "gunicorn/", "rapidfuzz/", "click/", "cryptography/", "oscrypto/")
    assert not any(name.startswith((*unused, "asn1crypto/", "cffi/")) for name in names)
    # in Lambda's Python runtime already (the DynamoDB test runs with a stand-in for it)
    assert not any(name.startswith(("boto3/", "botocore/", "s3transfer/")) for name in names)


@pytest.fixture(scope="module")
def lambda_runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in for what Lambda's Python runtime adds to the path: boto3 and its own."""
    import boto3
    import botocore
    import jmespath
    import s3transfer

    directory = tmp_path_factory.mktemp("runtime")
    for module in (boto3, botocore, s3transfer, jmespath):
        package = Path(module.__file__).parent
        (directory / package.name).symlink_to(package, target_is_directory=True)
    return directory


def lambda_python(
    task_dir: Path, script: str, runtime: Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a Python that sees only ``task_dir``, ``runtime`` and the stdlib."""
    prelude = f"import sys\nsys.path.insert(0, {str(task_dir)!r})\n"
    if runtime is not None:
        prelude += f"sys.path.append({str(runtime)!r})\n"
    return subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", prelude + textwrap.dedent(script)],
        cwd=task_dir,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_in_lambda_python(
    task_dir: Path, db: Path | str, script: str, runtime: Path | None = None, **env: str
) -> dict[str, Any]:
    """What ``script`` prints (JSON), run with a store and our skill id in the environment."""
    result = lambda_python(
        task_dir, script, runtime, FOOTCOACH_DB=str(db), FOOTCOACH_SKILL_ID=SKILL_ID, **env
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_handler_from_the_zip_answers_a_launch_with_the_welcome(unpacked, tmp_path):
    other_skill = copy.deepcopy(LAUNCH)
    other_skill["context"]["System"]["application"]["applicationId"] = OTHER_SKILL_ID
    other_skill["session"]["application"]["applicationId"] = OTHER_SKILL_ID
    answers = run_in_lambda_python(
        unpacked,
        tmp_path / "progress.sqlite3",
        f"""
        import json
        from skill.lambda_function import handler
        import skill, ask_sdk_core
        launch = handler({LAUNCH!r}, None)
        again = handler({LAUNCH!r}, None)
        try:
            handler({other_skill!r}, None)
            refused = None
        except Exception as exc:
            refused = type(exc).__name__
        print(json.dumps({{
            "launch": launch,
            "again": again,
            "refused": refused,
            "loaded_from": [skill.__file__, ask_sdk_core.__file__],
            "schema_checked": "jsonschema" in sys.modules,
            "path": sys.path,
        }}))
        """,
    )
    speech = answers["launch"]["response"]["outputSpeech"]["ssml"]
    assert speech.startswith("<speak>Welcome to Foot Coach.")
    assert "not medical advice" in speech
    # the first launch was saved: the second one is a welcome back, without the disclaimer
    assert answers["again"]["response"]["outputSpeech"]["ssml"].startswith(
        "<speak>Welcome back to Foot Coach."
    )
    assert answers["refused"] == "AskSdkException"  # another skill's request
    assert all(path.startswith(str(unpacked)) for path in answers["loaded_from"])
    assert answers["schema_checked"] is False  # the zip's content was checked when it was built
    assert not any("site-packages" in path for path in answers["path"])


def test_the_handler_from_the_zip_keeps_progress_in_dynamodb(unpacked, lambda_runtime):
    """The template's store: dynamodb://, here moto on 127.0.0.1 with fake credentials."""
    with running_dynamodb() as dynamodb:
        db = f"dynamodb://footcoach-progress?region=us-east-1&endpoint={dynamodb.endpoint}"
        answers = run_in_lambda_python(
            unpacked,
            db + "&create_table=true",
            f"""
            import json
            from skill.lambda_function import handler
            import boto3
            first = handler({LAUNCH!r}, None)
            second = handler({LAUNCH!r}, None)
            print(json.dumps({{"speech": [
                answer["response"]["outputSpeech"]["ssml"] for answer in (first, second)
            ], "boto3": boto3.__file__}}))
            """,
            lambda_runtime,
            **FAKE_AWS_ENVIRONMENT,
        )
    first, second = answers["speech"]
    assert first.startswith("<speak>Welcome to Foot Coach.")
    assert second.startswith("<speak>Welcome back to Foot Coach.")  # read back from DynamoDB
    assert answers["boto3"].startswith(str(lambda_runtime))  # the runtime's: the zip has none


def test_the_handler_refuses_to_start_without_a_store(unpacked):
    result = lambda_python(unpacked, "import skill.lambda_function")
    assert result.returncode != 0
    assert "FOOTCOACH_DB is not set" in result.stderr


def test_the_handler_refuses_to_start_without_a_skill_id(unpacked, tmp_path):
    """Before: with FOOTCOACH_SKILL_ID unset the SDK skipped the application-id check and the
    function answered any skill's requests (the trigger's condition was the only guard)."""
    db = str(tmp_path / "progress.sqlite3")
    for value in ("", "  "):
        environment = {"FOOTCOACH_DB": db, "FOOTCOACH_SKILL_ID": value}
        result = lambda_python(unpacked, "import skill.lambda_function", **environment)
        assert result.returncode != 0
        assert "FOOTCOACH_SKILL_ID is not set" in result.stderr
    result = lambda_python(unpacked, "import skill.lambda_function", FOOTCOACH_DB=db)
    assert "FOOTCOACH_SKILL_ID is not set" in result.stderr


def test_zips_of_the_same_files_are_identical(tmp_path):
    staging = tmp_path / "staging"
    (staging / "pkg").mkdir(parents=True)
    (staging / "pkg" / "a.py").write_text("A = 1\n")
    (staging / "run.sh").write_text("#!/bin/sh\n")
    (staging / "run.sh").chmod(0o755)
    lambda_zip._write_zip(staging, tmp_path / "one.zip")
    os.utime(staging / "pkg" / "a.py", (0, 0))  # a fresh checkout has other times
    lambda_zip._write_zip(staging, tmp_path / "two.zip")
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert modes == {"pkg/a.py": 0o100644, "run.sh": 0o100755}


def test_pip_is_asked_for_lambdas_platform_and_python():
    command = lambda_zip.pip_install_command(["flask==3.1.3"], Path("/t"), "arm64")
    assert command[-1] == "flask==3.1.3"
    joined = " ".join(command)
    assert "--platform manylinux2014_aarch64" in joined
    assert "--python-version 3.11" in joined
    assert "--only-binary=:all:" in joined
    with pytest.raises(BuildError, match="unknown Lambda architecture"):
        lambda_zip.pip_install_command([], Path("/t"), "sparc")


def test_a_failed_dependency_install_is_reported(tmp_path):
    with pytest.raises(BuildError, match="pip could not install"):
        build_lambda_zip(
            tmp_path / "out.zip",
            # offline on purpose: pip fails at once, without asking the index
            requirements=["--no-index", "footcoach-no-such-package==0"],
        )
    assert not (tmp_path / "out.zip").exists()


def test_lambda_gets_the_projects_pins_less_what_it_never_imports():
    requirements = lambda_zip.lambda_requirements()
    assert "ask-sdk-core==1.19.0" in requirements
    assert all("==" in requirement for requirement in requirements)
    names = {lambda_zip.requirement_name(requirement) for requirement in requirements}
    assert names.isdisjoint(lambda_zip.NOT_FOR_LAMBDA)
    assert names.isdisjoint({"pytest", "ruff"})  # the test extra is not the runtime


def test_requirement_names_are_normalised():
    assert lambda_zip.requirement_name("Ask_SDK.core[x]==1.19.0") == "ask-sdk-core"
    assert lambda_zip.requirement_name("  flask >= 3") == "flask"


# -- the SAM template -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template_text() -> str:
    return TEMPLATE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def template(template_text: str) -> dict[str, Any]:
    data, errors = decode_str(template_text)
    assert not errors
    return data


def test_cfn_lint_finds_nothing_in_any_alexa_region(template_text):
    config = ManualArgs(include_checks=["I"], regions=ALEXA_REGIONS)
    assert [str(match) for match in lint(template_text, config=config)] == []


def test_cfn_lint_would_catch_a_misspelt_trigger(template_text):
    broken = template_text.replace("SkillId: !Ref SkillId", "SkilId: !Ref SkillId")
    assert broken != template_text
    matches = lint(broken, config=ManualArgs(regions=["us-east-1"]))
    assert any("SkilId" in str(match) for match in matches)


def test_the_function_runs_our_handler_on_lambdas_python(template):
    function = template["Resources"]["SkillFunction"]
    runtime = template["Globals"]["Function"]["Runtime"]
    assert runtime == "python{}.{}".format(*LAMBDA_PYTHON)
    assert function["Properties"]["Handler"] == "skill.lambda_function.handler"
    assert template["Globals"]["Function"]["Timeout"] < 8  # Alexa's deadline
    code = (TEMPLATE_PATH.parent / function["Properties"]["CodeUri"]).resolve()
    assert code == (ROOT / DEFAULT_OUT).resolve()  # what build-lambda writes by default


def test_the_function_stores_progress_in_its_own_on_demand_table(template):
    table = template["Resources"]["ProgressTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["Properties"]["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["Properties"]["AttributeDefinitions"] == [
        {"AttributeName": "id", "AttributeType": "S"}
    ]
    assert table["DeletionPolicy"] == "Retain"  # people's progress outlives the stack
    function = template["Resources"]["SkillFunction"]["Properties"]
    variables = function["Environment"]["Variables"]
    assert variables["FOOTCOACH_DB"] == {
        "Fn::Sub": "dynamodb://${ProgressTable}?region=${AWS::Region}"
    }
    assert variables["FOOTCOACH_SKILL_ID"] == {"Ref": "SkillId"}
    assert function["Policies"] == [{"DynamoDBCrudPolicy": {"TableName": {"Ref": "ProgressTable"}}}]


def test_only_our_skill_can_invoke_the_function(template):
    events = template["Resources"]["SkillFunction"]["Properties"]["Events"]
    assert events == {
        "AlexaSkill": {"Type": "AlexaSkill", "Properties": {"SkillId": {"Ref": "SkillId"}}}
    }
    assert "amzn1" in template["Parameters"]["SkillId"]["AllowedPattern"]
