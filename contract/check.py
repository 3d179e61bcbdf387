#!/usr/bin/env python3
"""Contract test for cxhook: is what our webhook server sends valid for Dialogflow CX?

Our Rust types are written by hand, so they can drift from Google's API. This
checker does not trust them: it parses every response with the protobuf types
that Google publishes in the PyPI package ``google-cloud-dialogflow-cx``
(module ``google.cloud.dialogflowcx_v3``), strictly, and adds a few rules from
the CX webhook documentation that the protobuf parser does not enforce.

A WebhookResponse passes when all of these hold:

* the body is UTF-8 JSON, at most 64 KiB (65536 bytes, the documented limit),
  with no duplicate keys, no NaN/Infinity, and an object at the top level;
* ``WebhookResponse.from_json(text, ignore_unknown_fields=False)`` accepts it:
  no unknown or misspelled field, at most one member of each oneof (e.g. not
  ``targetPage`` and ``targetFlow``), only enum names that exist, right shapes;
* every field name is the lowerCamelCase JSON name. Protobuf parsers also
  accept snake_case (``fulfillment_response``), but our server must emit
  camelCase. Keys inside free-form Struct/Value positions are user data and
  are not checked (``sessionInfo.parameters``, ``payload``, message
  ``payload``, ``metadata``, ``inputParameters``, form parameter ``value``);
* no output-only message kinds (``endInteraction``, ``mixedAudio``) and no
  output-only ``allowPlaybackInterruption``;
* required fields are set: ``text.text`` (non-empty), ``playAudio.audioUri``,
  ``toolCall.tool`` and ``toolCall.action``, and ``displayName`` and ``state``
  of every ``pageInfo.formInfo.parameterInfo[]`` entry;
* ``targetPage`` / ``targetFlow`` are full resource names
  (``projects/P/locations/L/agents/A/flows/F[/pages/PAGE]``).

Warnings (printed, but the item still passes): ``responseType`` in a message
(valid in v3, but our server never needs it and v3beta1 rejects it), a message
with no kind set, and fields that Dialogflow ignores in a response.

Commands:

  check.py files PATH...                  check response JSON files; a directory
                                          means every *.json below it, and a
                                          directory with none is an error unless
                                          --allow-empty (it guards against a test
                                          suite that silently wrote nothing)
  check.py server URL --requests PATH...  POST each WebhookRequest JSON file (a
           [--languages CODE...]          directory means every *.json below it
                                          that holds a request) to URL and check
                                          each answer: HTTP 200, Content-Type
                                          application/json, a non-empty body that
                                          passes the response checks; with
                                          --languages, each file once per language
                                          code, set as its languageCode (and as
                                          the languageInfo codes it has), so that
                                          the replies of every language pass
  check.py selftest                       show that the checker accepts the good
                                          fixtures and rejects known-bad cases
  check.py weather-stub                   answer as Open-Meteo would, on a free
                                          loopback port (its first line on stdout
                                          is the port), for the server's weather
                                          replies: Paris at 7.3 °C, overcast; no
                                          other place
  check.py wait URL [--timeout S] [--pid PID]
                                          poll GET URL until it answers 200 (used
                                          by run.sh to wait for the server)

Output: one line per item, ``ok   NAME`` or ``FAIL NAME: REASONS``, then
``N passed, N failed``. Exit status: 0 all passed, 1 something failed,
2 usage or environment error.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import re
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

try:
    from google.cloud import dialogflowcx_v3 as cx
    from google.protobuf import json_format
except ImportError as exc:
    sys.stderr.write(
        f"check.py: {exc}\n"
        "install the dependencies first: pip install -r contract/requirements.txt\n"
    )
    sys.exit(2)

MAX_BODY_BYTES = 64 * 1024
HTTP_TIMEOUT_SECONDS = 10
REPO_ROOT = Path(__file__).resolve().parent.parent

PAGE_NAME = re.compile(r"^projects/[^/]+/locations/[^/]+/agents/[^/]+/flows/[^/]+/pages/[^/]+$")
FLOW_NAME = re.compile(r"^projects/[^/]+/locations/[^/]+/agents/[^/]+/flows/[^/]+$")

# ResponseMessage kinds that only Dialogflow itself produces.
OUTPUT_ONLY_KINDS = ("endInteraction", "mixedAudio")
# All kinds of the ResponseMessage `message` oneof in v3.
MESSAGE_KINDS = (
    "text", "payload", "conversationSuccess", "outputAudioText", "liveAgentHandoff",
    "endInteraction", "playAudio", "mixedAudio", "telephonyTransferCall",
    "knowledgeInfoCard", "toolCall",
)
# Kinds that have the output-only field allowPlaybackInterruption.
KINDS_WITH_PLAYBACK_FLAG = ("text", "outputAudioText", "playAudio", "mixedAudio")


class Findings:
    """Errors make an item fail; warnings are only printed."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []


# ---------------------------------------------------------------------------
# Response checks
# ---------------------------------------------------------------------------

def _reject_duplicate_keys(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def load_json(text: str):
    """json.loads, but duplicate keys and NaN/Infinity are errors (ValueError)."""
    return json.loads(
        text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant
    )


def check_response(raw: bytes) -> Findings:
    """All checks for one WebhookResponse body."""
    found = Findings()
    if len(raw) > MAX_BODY_BYTES:
        found.errors.append(
            f"body is {len(raw)} bytes, over the 64 KiB limit ({MAX_BODY_BYTES} bytes)"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        found.errors.append(f"body is not UTF-8: {exc}")
        return found
    try:
        doc = load_json(text)
    except ValueError as exc:
        found.errors.append(f"not valid JSON: {exc}")
        return found
    if not isinstance(doc, dict):
        # Note: protobuf's parser accepts a top-level [] as an empty message.
        found.errors.append(f"top level must be a JSON object, not {type(doc).__name__}")
        return found

    try:
        cx.WebhookResponse.from_json(text, ignore_unknown_fields=False)
    except json_format.ParseError as exc:
        # The first line says what and where; later lines list the valid fields.
        found.errors.append("protobuf: " + str(exc).splitlines()[0])
    except Exception as exc:  # anything else the parser raises is a failure too
        found.errors.append(f"protobuf: {type(exc).__name__}: {exc}")

    check_field_names(doc, cx.WebhookResponse.pb().DESCRIPTOR, "", found)
    check_response_rules(doc, found)
    return found


def _is_repeated(field) -> bool:
    is_repeated = getattr(field, "is_repeated", None)  # protobuf >= 5
    if is_repeated is not None:
        return bool(is_repeated)
    return field.label == field.LABEL_REPEATED


def check_field_names(obj, descriptor, path: str, found: Findings) -> None:
    """Walk the JSON along the protobuf descriptor: reject snake_case field
    names and objects/arrays in the wrong place. Free-form positions
    (google.protobuf.Struct, Value, ListValue) are not entered."""
    if not isinstance(obj, dict):
        return
    by_json_name = {f.json_name: f for f in descriptor.fields}
    by_proto_name = {f.name: f for f in descriptor.fields}
    for key, value in obj.items():
        where = f"{path}.{key}" if path else key
        field = by_json_name.get(key)
        if field is None:
            field = by_proto_name.get(key)
            if field is not None:
                found.errors.append(f"{where}: snake_case field name, use '{field.json_name}'")
        if field is None or field.message_type is None or value is None:
            continue  # unknown (the parser reports it), a scalar, or unset
        if field.message_type.full_name.startswith("google.protobuf."):
            continue  # free-form user data
        if field.message_type.GetOptions().map_entry:
            value_type = field.message_type.fields_by_name["value"].message_type
            if isinstance(value, dict) and value_type is not None \
                    and not value_type.full_name.startswith("google.protobuf."):
                for map_key, item in value.items():
                    check_field_names(item, value_type, f"{where}[{map_key!r}]", found)
            continue
        if _is_repeated(field):
            if not isinstance(value, list):
                found.errors.append(f"{where}: expected a JSON array, got {type(value).__name__}")
                continue
            for i, item in enumerate(value):
                check_field_names(item, field.message_type, f"{where}[{i}]", found)
        elif not isinstance(value, dict):
            found.errors.append(f"{where}: expected a JSON object, got {type(value).__name__}")
        else:
            check_field_names(value, field.message_type, where, found)


def _object(value) -> dict:
    """The value if it is a JSON object, else {} (shape errors are reported elsewhere)."""
    return value if isinstance(value, dict) else {}


def _array(value) -> list:
    return value if isinstance(value, list) else []


def check_response_rules(doc: dict, found: Findings) -> None:
    """Documented rules the protobuf parser does not enforce. Keys are looked
    up by their camelCase names only: snake_case is already an error."""
    messages = _array(_object(doc.get("fulfillmentResponse")).get("messages"))
    for i, message in enumerate(messages):
        check_message(_object(message), f"fulfillmentResponse.messages[{i}]", found)

    form_params = _object(_object(doc.get("pageInfo")).get("formInfo")).get("parameterInfo")
    for i, param in enumerate(_array(form_params)):
        param = _object(param)
        where = f"pageInfo.formInfo.parameterInfo[{i}]"
        if not param.get("displayName"):
            found.errors.append(f"{where}.displayName: required in a response")
        if param.get("state") in (None, "PARAMETER_STATE_UNSPECIFIED", 0):
            found.errors.append(f"{where}.state: required in a response")
        if param.get("justCollected") is not None:
            found.warnings.append(f"{where}.justCollected: ignored by Dialogflow in a response")

    if _object(doc.get("sessionInfo")).get("session") is not None:
        found.warnings.append("sessionInfo.session: ignored by Dialogflow in a response")
    for key in ("currentPage", "displayName"):
        if _object(doc.get("pageInfo")).get(key) is not None:
            found.warnings.append(f"pageInfo.{key}: ignored by Dialogflow in a response")

    target_page = doc.get("targetPage")
    if target_page is not None and not PAGE_NAME.match(str(target_page)):
        found.errors.append(
            f"targetPage: {target_page!r} is not a full page resource name "
            "(projects/P/locations/L/agents/A/flows/F/pages/PAGE)"
        )
    target_flow = doc.get("targetFlow")
    if target_flow is not None and not FLOW_NAME.match(str(target_flow)):
        found.errors.append(
            f"targetFlow: {target_flow!r} is not a full flow resource name "
            "(projects/P/locations/L/agents/A/flows/F)"
        )


def check_message(message: dict, where: str, found: Findings) -> None:
    """Rules for one ResponseMessage of a response."""
    kinds = [kind for kind in MESSAGE_KINDS if message.get(kind) is not None]
    if not kinds:
        found.warnings.append(f"{where}: no message kind set")
    for kind in OUTPUT_ONLY_KINDS:
        if kind in kinds:
            found.errors.append(f"{where}.{kind}: output-only, a webhook must not send it")
    for kind in KINDS_WITH_PLAYBACK_FLAG:
        if "allowPlaybackInterruption" in _object(message.get(kind)):
            found.errors.append(f"{where}.{kind}.allowPlaybackInterruption: output-only")
    if message.get("responseType") is not None:
        found.warnings.append(f"{where}.responseType: valid v3, but our server never needs it")

    # Required fields; a kind that is not an object is already a shape error.
    text = message.get("text")
    if isinstance(text, dict):
        variants = text.get("text")
        if not variants or any(variant == "" for variant in _array(variants)):
            found.errors.append(f"{where}.text.text: must be a non-empty list of non-empty strings")
    play_audio = message.get("playAudio")
    if isinstance(play_audio, dict) and not play_audio.get("audioUri"):
        found.errors.append(f"{where}.playAudio.audioUri: required")
    tool_call = message.get("toolCall")
    if isinstance(tool_call, dict):
        for key in ("tool", "action"):
            if not tool_call.get(key):
                found.errors.append(f"{where}.toolCall.{key}: required")


# ---------------------------------------------------------------------------
# Collecting files, printing results
# ---------------------------------------------------------------------------

class Runner:
    """Prints one line per item and the closing `N passed, N failed` line."""

    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def report(self, name: str, found: Findings) -> None:
        if found.errors:
            self.failed += 1
            print(f"FAIL {name}: " + "; ".join(found.errors))
        else:
            self.passed += 1
            print(f"ok   {name}")
        for warning in found.warnings:
            print(f"     warning: {warning}")

    def fail(self, name: str, reason: str) -> None:
        found = Findings()
        found.errors.append(reason)
        self.report(name, found)

    def finish(self) -> int:
        print(f"{self.passed} passed, {self.failed} failed")
        return 0 if self.failed == 0 else 1


def json_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.json") if p.is_file())


def expand(runner: Runner, arg: str, keep, empty_reason: str | None) -> list[Path]:
    """The files ARG names: itself, or the *.json files under it that KEEP accepts.
    A missing path, or a directory with none (when EMPTY_REASON is given), is a failure."""
    path = Path(arg)
    if path.is_file():
        return [path]
    if not path.is_dir():
        runner.fail(arg, "no such file or directory")
        return []
    files = [p for p in json_files(path) if keep(p)]
    if not files and empty_reason:
        runner.fail(arg, empty_reason)
    return files


def cmd_files(args) -> int:
    runner = Runner()
    empty = None if args.allow_empty else "directory holds no *.json files (use --allow-empty if that is fine)"
    for arg in args.paths:
        for file in expand(runner, arg, lambda _: True, empty):
            runner.report(str(file), check_response(file.read_bytes()))
    return runner.finish()


def is_request_file(path: Path) -> bool:
    """A file found in a directory is posted if its name starts with "request"
    or it holds a detectIntentResponseId (checking for sessionInfo would not
    do: responses can hold sessionInfo too)."""
    if path.name.startswith("request"):
        return True
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and "detectIntentResponseId" in doc


def post_json(url: str, body: bytes):
    """POST body; return (status, content type, response body). Proxies are
    never used: the server under test is local."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with opener.open(request, timeout=HTTP_TIMEOUT_SECONDS) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Content-Type", ""), answer.read()


def check_exchange(url: str, request_body: bytes) -> Findings:
    """Check that the request is a WebhookRequest, POST it, check the answer."""
    found = Findings()
    # Captured requests carry undocumented fields, so unknown fields are fine
    # here; but a request always has a detectIntentResponseId, and without
    # that check any response file would pass as a request too.
    try:
        text = request_body.decode("utf-8")
        if "detectIntentResponseId" not in _object(load_json(text)):
            raise ValueError("no detectIntentResponseId")
        cx.WebhookRequest.from_json(text, ignore_unknown_fields=True)
    except Exception as exc:
        found.errors.append("the request file is not a WebhookRequest: " + str(exc).splitlines()[0])
        return found
    try:
        status, content_type, body = post_json(url, request_body)
    except (urllib.error.URLError, OSError) as exc:
        found.errors.append(f"POST failed: {exc}")
        return found

    if status != 200:
        excerpt = body[:300].decode("utf-8", "replace")
        found.errors.append(f"HTTP status {status}, expected 200; body: {excerpt!r}")
        return found
    media_type, _, params = content_type.partition(";")
    if media_type.strip().lower() != "application/json":
        found.errors.append(f"Content-Type is {content_type!r}, expected application/json")
    elif "charset" in params.lower() and "utf-8" not in params.lower():
        found.errors.append(f"Content-Type is {content_type!r}: JSON must be UTF-8")
    if not body:
        found.errors.append("empty body")
        return found

    answer = check_response(body)
    found.errors += answer.errors
    found.warnings += answer.warnings
    return found


def in_language(request_body: bytes, language: str) -> bytes:
    """The request asked in ``language``: its languageCode, and the codes of its
    languageInfo when it has one (a server answers in the resolved language).
    A body that is not a JSON object is left as it is, for check_exchange to
    reject."""
    try:
        doc = json.loads(request_body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return request_body
    if not isinstance(doc, dict):
        return request_body
    doc["languageCode"] = language
    info = doc.get("languageInfo")
    if isinstance(info, dict):
        for key in ("inputLanguageCode", "resolvedLanguageCode"):
            if key in info:
                info[key] = language
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def cmd_server(args) -> int:
    runner = Runner()
    for arg in args.requests:
        for file in expand(runner, arg, is_request_file, "directory holds no WebhookRequest *.json files"):
            body = file.read_bytes()
            if not args.languages:
                runner.report(str(file), check_exchange(args.url, body))
            for language in args.languages or []:
                runner.report(f"{file} [{language}]", check_exchange(args.url, in_language(body, language)))
    return runner.finish()


class WeatherStub(http.server.BaseHTTPRequestHandler):
    """Open-Meteo's geocoding (/v1/search) and forecast (/v1/forecast), with
    one place: enough for every weather reply to be said."""

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        path, _, query = self.path.partition("?")
        if path == "/v1/search":
            results = [{"name": "Paris", "latitude": 48.85, "longitude": 2.35,
                        "country": "France"}] if "name=paris" in query.lower() else []
            body = {"results": results}
        elif path == "/v1/forecast":
            body = {"current": {"time": "2026-11-27T16:30", "temperature_2m": 7.3,
                                "weather_code": 3, "wind_speed_10m": 12.4}}
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def cmd_weather_stub(args) -> int:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), WeatherStub)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    return 0


def cmd_wait(args) -> int:
    """Poll GET URL until it answers 200; give up after --timeout seconds, or
    as soon as process --pid has exited."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + args.timeout
    last_error = "no attempt"
    while time.monotonic() < deadline:
        if args.pid is not None and not process_alive(args.pid):
            print(f"check.py wait: process {args.pid} exited before {args.url} answered",
                  file=sys.stderr)
            return 1
        try:
            with opener.open(args.url, timeout=2) as answer:
                if answer.status == 200:
                    return 0
                last_error = f"HTTP {answer.status}"
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.25)
    print(f"check.py wait: {args.url} did not answer 200 within {args.timeout} s "
          f"(last: {last_error})", file=sys.stderr)
    return 1


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A child that exited but was not reaped yet is a zombie: treat it as gone.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


# ---------------------------------------------------------------------------
# Self-test
# ---------------------------------------------------------------------------

TARGET_PAGE = (
    "projects/demo-project/locations/global/agents/a3e0c1f2-5b6d-4e7f-8a9b-0c1d2e3f4a5b"
    "/flows/00000000-0000-0000-0000-000000000000/pages/END_SESSION"
)


def _text_response(text: str) -> str:
    return json.dumps({"fulfillmentResponse": {"messages": [{"text": {"text": [text]}}]}})


def _sized_response(size: int) -> bytes:
    """A valid response of exactly `size` bytes."""
    overhead = len(_text_response(""))
    return _text_response("x" * (size - overhead)).encode("utf-8")


def selftest_cases():
    """(name, body, should_pass, text that must appear in the failure reasons)."""
    cases = []
    fixtures = REPO_ROOT / "testdata" / "fixtures"
    fixture_files = sorted(fixtures.glob("response-*.json"))
    if not fixture_files:
        cases.append(("fixtures", None, False, "no response fixtures"))
    for path in fixture_files:
        name = f"fixture/{path.name}"
        if path.name == "response-04-all-variants.json":
            cases.append((name, path.read_bytes(), False, "output-only"))
        else:
            cases.append((name, path.read_bytes(), True, ""))

    valid = {
        "empty-object": "{}",
        "snake-case-keys-inside-user-data": json.dumps({
            "sessionInfo": {"parameters": {"party_size": 4, "nested_obj": {"inner_key": None}}},
            "payload": {"fulfillment_response": "user data"},
            "fulfillmentResponse": {"messages": [
                {"payload": {"rich_content": [{"allowPlaybackInterruption": True}]}},
                {"liveAgentHandoff": {"metadata": {"queue_name": "billing"}}},
            ]},
            "pageInfo": {"formInfo": {"parameterInfo": [
                {"displayName": "date", "state": "FILLED", "value": {"day_of_week": 5}},
            ]}},
        }),
        "target-page-full-name": json.dumps({"targetPage": TARGET_PAGE}),
        "response-type-is-only-a-warning": json.dumps({"fulfillmentResponse": {"messages": [
            {"text": {"text": ["hi"]}, "responseType": "HANDLER_PROMPT"}]}}),
        "body-exactly-64KiB": _sized_response(MAX_BODY_BYTES),
    }
    for name, body in valid.items():
        cases.append((f"valid/{name}", body, True, ""))

    invalid = [
        ("misspelled-field-targetPgae", json.dumps({"targetPgae": TARGET_PAGE}), "targetPgae"),
        ("targetPage-and-targetFlow",
         json.dumps({"targetPage": TARGET_PAGE, "targetFlow": TARGET_PAGE.rsplit("/pages/", 1)[0]}),
         "oneof"),
        ("state-VALID", json.dumps({"pageInfo": {"formInfo": {"parameterInfo": [
            {"displayName": "party_size", "state": "VALID"}]}}}), "VALID"),
        ("text-as-string", json.dumps({"fulfillmentResponse": {"messages": [{"text": "hi"}]}}),
         "expected a JSON object"),
        ("snake-case-fulfillment_response",
         json.dumps({"fulfillment_response": {"messages": [{"text": {"text": ["hi"]}}]}}),
         "snake_case"),
        ("duplicate-key", '{"targetPage": "%s", "targetPage": "%s"}' % (TARGET_PAGE, TARGET_PAGE),
         "duplicate key"),
        ("top-level-array", "[]", "top level"),
        ("body-over-64KiB", _sized_response(MAX_BODY_BYTES + 1), "64 KiB"),
        ("parameterInfo-without-state", json.dumps({"pageInfo": {"formInfo": {"parameterInfo": [
            {"displayName": "party_size"}]}}}), "state: required"),
        ("parameterInfo-without-displayName", json.dumps({"pageInfo": {"formInfo": {
            "parameterInfo": [{"state": "INVALID"}]}}}), "displayName: required"),
        ("endInteraction", json.dumps({"fulfillmentResponse": {"messages": [
            {"endInteraction": {}}]}}), "output-only"),
        ("allowPlaybackInterruption", json.dumps({"fulfillmentResponse": {"messages": [
            {"text": {"text": ["hi"], "allowPlaybackInterruption": True}}]}}), "output-only"),
        ("empty-text-list", json.dumps({"fulfillmentResponse": {"messages": [
            {"text": {"text": []}}]}}), "text.text"),
        ("playAudio-without-audioUri", json.dumps({"fulfillmentResponse": {"messages": [
            {"playAudio": {}}]}}), "audioUri"),
        ("toolCall-without-action", json.dumps({"fulfillmentResponse": {"messages": [
            {"toolCall": {"tool": "projects/p/locations/l/agents/a/tools/t"}}]}}),
         "toolCall.action"),
        ("targetPage-short-name", json.dumps({"targetPage": "END_SESSION"}), "resource name"),
        ("targetFlow-short-name", json.dumps({"targetFlow": "billing"}), "resource name"),
        ("not-json", "{fulfillmentResponse: {}}", "not valid JSON"),
    ]
    for name, body, reason in invalid:
        cases.append((f"invalid/{name}", body, False, reason))
    return cases


def cmd_selftest(args) -> int:
    runner = Runner()
    for name, body, should_pass, reason in selftest_cases():
        if body is None:
            runner.fail(name, reason)
            continue
        if isinstance(body, str):
            body = body.encode("utf-8")
        found = check_response(body)
        result = Findings()
        result.warnings = found.warnings
        if should_pass and found.errors:
            result.errors.append("expected to pass, but: " + "; ".join(found.errors))
        elif not should_pass and not found.errors:
            result.errors.append("expected to fail, but passed")
        elif not should_pass and not any(reason in error for error in found.errors):
            result.errors.append(
                f"failed, but no reason mentions {reason!r}: " + "; ".join(found.errors)
            )
        elif not should_pass:
            name += f" (rejected: {'; '.join(found.errors)})"
            result.warnings = []
        runner.report(name, result)

    # The empty-directory guard of `files`.
    with tempfile.TemporaryDirectory() as empty:
        empty_dir_fails = cmd_quiet(["files", empty]) == 1
        allowed_passes = cmd_quiet(["files", "--allow-empty", empty]) == 0
    result = Findings()
    if not empty_dir_fails:
        result.errors.append("`files EMPTY_DIR` did not fail")
    if not allowed_passes:
        result.errors.append("`files --allow-empty EMPTY_DIR` did not pass")
    runner.report("files/empty-directory-is-an-error", result)

    # `server --languages` asks each request in each language.
    result = Findings()
    asked = json.loads(in_language(
        b'{"languageCode": "en", "languageInfo": {"inputLanguageCode": "en",'
        b' "resolvedLanguageCode": "en", "confidenceScore": 1}}', "de"))
    if asked != {"languageCode": "de", "languageInfo": {
            "inputLanguageCode": "de", "resolvedLanguageCode": "de", "confidenceScore": 1}}:
        result.errors.append(f"in_language gave {asked}")
    if in_language(b"[1]", "de") != b"[1]":
        result.errors.append("in_language changed a body that is no object")
    runner.report("server/languages-set-the-request-language", result)
    return runner.finish()


def cmd_quiet(argv: list[str]) -> int:
    """Run a command of this tool with its output thrown away."""
    saved = sys.stdout
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        sys.stdout = devnull
        try:
            return main(argv)
        finally:
            sys.stdout = saved


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="check.py",
        description=__doc__.split("\n\n")[0],
        epilog="Exit status: 0 all passed, 1 something failed, 2 usage or environment error.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    files = sub.add_parser("files", help="check WebhookResponse JSON files")
    files.add_argument("paths", nargs="+", metavar="PATH", help="a .json file or a directory")
    files.add_argument("--allow-empty", action="store_true",
                       help="a directory without *.json files is not an error")
    files.set_defaults(run=cmd_files)

    server = sub.add_parser("server", help="POST WebhookRequests to a server, check its answers")
    server.add_argument("url", help="the webhook URL, e.g. http://127.0.0.1:8080/webhook")
    server.add_argument("--requests", nargs="+", required=True, metavar="PATH",
                        help="request .json files, or directories holding them")
    server.add_argument("--languages", nargs="+", metavar="CODE",
                        help="post each request once per language code (e.g. en de fr es)")
    server.set_defaults(run=cmd_server)

    selftest = sub.add_parser("selftest", help="show that the checks pass and fail as they should")
    selftest.set_defaults(run=cmd_selftest)

    stub = sub.add_parser("weather-stub", help="answer as Open-Meteo would, on a free loopback port")
    stub.set_defaults(run=cmd_weather_stub)

    wait = sub.add_parser("wait", help="wait until GET URL answers 200")
    wait.add_argument("url")
    wait.add_argument("--timeout", type=float, default=30.0, help="seconds (default 30)")
    wait.add_argument("--pid", type=int, help="give up early when this process has exited")
    wait.set_defaults(run=cmd_wait)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
