#!/usr/bin/env python3
"""Regenerate fixtures/scormcloud/sdk-models.json from the official SCORM Cloud Python SDK.

The SDK (rustici_software_cloud_v2) is generated from Rustici's OpenAPI document; each model
class lists its JSON field names (attribute_map) and types (swagger_types). The snapshot tests
check every response body against these lists, so a field the vendor does not have, or a
required field left out, fails a test instead of being frozen into a snapshot.

    python3 -m venv /tmp/sdk && /tmp/sdk/bin/pip install rustici_software_cloud_v2==5.0.0
    /tmp/sdk/bin/python scripts/scorm-sdk-models.py > fixtures/scormcloud/sdk-models.json
"""
import importlib.metadata
import inspect
import json
import re
import sys

import rustici_software_cloud_v2.models as models

ROOTS = sys.argv[1:] or [
    "ApplicationToken", "InvitationJobStatusSchema", "InvitationSummaryList",
    "InvitationSummarySchema", "LaunchHistoryListSchema", "LaunchLinkSchema", "MessageSchema",
    "PrivateInvitationList", "PrivateInvitationSchema", "PublicInvitationList",
    "PublicInvitationSchema", "RegistrationListSchema", "RegistrationSchema", "TagListSchema",
    "UserInvitationList",
]


def required(cls):
    # The generated setters raise ValueError for a required field set to None.
    out = []
    for attr in cls.swagger_types:
        src = inspect.getsource(getattr(cls, attr).fset)
        if "must not be `None`" in src:
            out.append(cls.attribute_map[attr])
    return sorted(out)


def allowed(cls):
    # Enumerated string fields: the setters check `allowed_values`.
    out = {}
    for attr in cls.swagger_types:
        src = inspect.getsource(getattr(cls, attr).fset)
        m = re.search(r"allowed_values = (\[[^\]]*\])", src)
        if m:
            out[cls.attribute_map[attr]] = json.loads(m.group(1).replace("'", '"'))
    return out


def model_names(t):
    return re.findall(r"[A-Z][A-Za-z0-9]+", t)


out, todo = {}, list(ROOTS)
while todo:
    name = todo.pop()
    if name in out or not hasattr(models, name):
        continue
    cls = getattr(models, name)
    fields = {cls.attribute_map[a]: t for a, t in cls.swagger_types.items()}
    entry = {"fields": fields, "required": required(cls)}
    enums = allowed(cls)
    if enums:
        entry["enums"] = enums
    if not fields:
        # An enum model (RegistrationCompletion): a string, one of its constants.
        entry["values"] = sorted(v for k, v in vars(cls).items() if k.isupper() and isinstance(v, str))
    out[name] = entry
    for t in fields.values():
        todo.extend(n for n in model_names(t) if n not in ("list", "dict", "str", "int", "float", "bool", "datetime", "object"))

doc = {
    "_source": "rustici_software_cloud_v2 %s (pip), models' attribute_map and swagger_types; regenerate with scripts/scorm-sdk-models.py"
    % importlib.metadata.version("rustici_software_cloud_v2"),
    "models": dict(sorted(out.items())),
}
json.dump(doc, sys.stdout, indent=1, sort_keys=False)
print()
