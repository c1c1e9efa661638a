"""The document the iSpring REST twin is checked against: iSpring's own REST v3 OpenAPI
document (fixtures/ispring/ispring-learn-rest-v3.openapi.yaml, as published), reduced to the
operations the facade serves, with this service's declared deviations added — and nothing else.
The README's "iSpring Learn: choices and deviations" lists the same additions.

Usage: ispring_openapi.py OUT.json   (needs PyYAML, which schemathesis brings)
"""
import json
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE = os.path.join(ROOT, "fixtures", "ispring", "ispring-learn-rest-v3.openapi.yaml")

# The operations of the vendor's document this service implements.
SERVED = {
    "AccessRequest", "EnrollLearnersInCourses", "GetEnrollments", "ListEnrollments",
    "ListEnrollmentsByPost", "GetEnrollment", "ChangeEnrollment", "Reenroll", "Unenroll",
    "GetUsers", "GetUserProfile", "FindExistingUsers", "GetContent", "ListContent",
    "GetContentItem", "ListLearnerResults", "UpdateCourseStatus", "UpdateModuleStatuses",
    "GetTaskStatus",
}

# Declared deviations: responses this service gives beyond those the document lists.
NOT_FOUND = {"GetEnrollment", "ChangeEnrollment", "Reenroll", "GetUserProfile", "GetContentItem",
             "GetTaskStatus"}  # an unknown id in the path
CONFLICT = {"ChangeEnrollment", "Reenroll", "UpdateCourseStatus", "UpdateModuleStatuses"}
# GET /enrollment lists no error response at all; it answers like every other operation.
ERRORS = {"400": "BadRequest", "401": "Unauthorized", "403": "PermissionDenied"}


def main(out):
    with open(SOURCE) as f:
        doc = yaml.safe_load(f)
    paths = {}
    added = []
    for path, item in doc["paths"].items():
        kept = {}
        for method, op in item.items():
            if not isinstance(op, dict) or op.get("operationId") not in SERVED:
                continue
            name, responses = op["operationId"], op["responses"]

            def add(code, ref):
                if code not in responses:
                    responses[code] = {"$ref": f"#/components/responses/{ref}"}
                    added.append(f"{name} {code}")

            if name != "AccessRequest":
                for code, ref in ERRORS.items():
                    add(code, ref)
            if name in NOT_FOUND:
                add("404", "NotFound")
            if name in CONFLICT:
                add("409", "ConflictResponse")
            if "requestBody" in op:
                add("413", "PayloadTooLarge")
            kept[method] = op
        if kept:
            paths[path] = kept
    missing = SERVED - {op["operationId"] for item in paths.values() for op in item.values()}
    if missing:
        sys.exit(f"operations not in the vendor's document: {sorted(missing)}")
    doc["paths"] = paths
    doc["components"]["responses"]["PayloadTooLarge"] = {
        "description": "Payload Too Large",
        "content": {t: {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}
                    for t in ("application/json", "application/xml")},
    }
    with open(out, "w") as f:
        json.dump(doc, f)
    print(f"{len(SERVED)} operations; added responses: {', '.join(added)}")


if __name__ == "__main__":
    main(sys.argv[1])
