"""LMS365 through a real OData v4 client: python-odata (PyPI) reflects the service from its
$metadata, then queries with $filter, $expand and $count, follows @odata.nextLink (the
gateway runs with a small LMS365 page size), enrolls with the bound action Enroll and drives
an enrollment with Approve, Complete, Retake, Cancel, Reject and Purge.

Two python-odata 0.8.1 limits are worked around here, not in the service: it reads an
action's result from a `value` wrapper, while an OData v4 action that returns an entity
(LMS365's Enroll) answers the entity itself, so the script reads each new enrollment back
with a query; and it builds expanded entities from the entity type's class rather than the
entity set's, which fails for types with bound actions, so navigation properties are pointed
at the entity sets' classes after reflection.
"""
import os
import sys
import uuid

import requests
from odata import ODataService
from odata.exceptions import ODataError

GATEWAY = os.environ["GATEWAY"]
ADMIN_TOKEN = os.environ["ADMIN_TOKEN"]
TENANT = "7d1c7c3e-0000-4000-8000-000000000001"
PAGE = int(os.environ.get("LMS365_PAGE_SIZE", "2"))
URL = f"{GATEWAY}/lms365/odata/v2/"

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def service(key):
    session = requests.Session()
    session.auth = ("api", key)
    return ODataService(URL, session=session, reflect_entities=True, quiet_progress=True)


svc = service("demo-lms365-api-key")
Course = svc.entities["Courses"]
User = svc.entities["Users"]
Enrollment = svc.entities["Enrollments"]
check(set(svc.entities) == {"Courses", "CourseCatalogs", "Users", "Enrollments"},
      "$metadata reflected into the four entity sets")
enroll_action = next(k for k in Course.__mro__ if "Enroll" in k.__dict__).__dict__["Enroll"]
enroll_action.return_type = None  # see the module docs
set_of_type = {base: cls for cls in svc.entities.values() for base in cls.__mro__[1:]}
for cls in svc.entities.values():
    for base in cls.__mro__:
        for value in [v for v in vars(base).values() if type(v).__name__ == "NavigationProperty"]:
            target = getattr(value, "entityclass", None)
            if isinstance(target, type) and target in set_of_type:
                value.entityclass = set_of_type[target]

# Learners of this run (other clients share the gateway), made through the admin API.
RUN = uuid.uuid4().hex[:8]
people = [f"compat-{RUN}-{i}@lms365.example" for i in range(4)]
for email in people:
    r = requests.post(f"{GATEWAY}/admin/v1/tenants/{TENANT}/learners",
                      headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
                      json={"email": email, "firstName": "Compat", "lastName": RUN})
    r.raise_for_status()
CLAIMS = "i:0#.f|membership|"
FIRST = CLAIMS + people[0]
users = svc.query(User).filter(User.LoginName == FIRST).all()
check(len(users) == 1 and users[0].Email == people[0], "Users $filter by LoginName")
users = svc.query(User).filter(User.Email == people[1]).all()
check(len(users) == 1, "Users $filter by Email")

leadership = svc.query(Course).filter(Course.Id == 103).expand(Course.CourseSessions).one()
sessions = list(leadership.CourseSessions)
check(len(sessions) == 2, "Courses $filter and $expand=CourseSessions")

compliance = svc.query(Course).get(101)
NO = dict(courseSessionId=None, courseSessionIds=None, ignoreMaxAttendees=None,
          ignoreEnrollmentFlow=None)
# Plain e-mails and claims logins name the same users: five calls, four enrollments.
for login in [FIRST, people[1], people[2], CLAIMS + people[3], people[1]]:
    compliance.Enroll(userLoginName=login, **NO)
mine_only = Enrollment.UserLoginName.startswith(f"{CLAIMS}compat-{RUN}-")
q = svc.query(Enrollment).filter((Enrollment.CourseId == 101) & mine_only)
check(q.count() == 4, "Enrollments/$count with $filter: one enrollment per user")
rows = q.expand(Enrollment.Course, Enrollment.User).all()
check(len(rows) == 4 and PAGE < 4, f"all 4 read across pages of {PAGE} (@odata.nextLink)")
check(all(r.Course.Title == "Compliance Basics" for r in rows), "$expand=Course")
check(sorted(r.User.Email for r in rows) == people, "$expand=User")

mine = svc.query(Enrollment).filter(
    (Enrollment.UserLoginName == FIRST) & (Enrollment.CourseId == 101)).one()
mine.Complete()
mine = svc.query(Enrollment).get(mine.Id)
check(mine.CoursePassingStatus == "Completed", "Complete")
mine.Retake(courseSessionId=None)
renewed = svc.query(Enrollment).filter(
    (Enrollment.UserLoginName == FIRST) & (Enrollment.CourseId == 101)).one()
check(renewed.Id != mine.Id and renewed.CoursePassingStatus == "NotStarted", "Retake")
renewed.Cancel(message="compat")
# Enrollments lists current enrollments; an ended one is read by its key (python-odata's
# get() filters the collection, so the entity URL is read directly).
check(svc.query(Enrollment).filter(Enrollment.Id == renewed.Id).all() == [],
      "Cancel: no longer among the current enrollments")
by_key = svc.default_context.connection.execute_get(f"{URL}Enrollments({renewed.Id})")
check(by_key["RegistrationStatus"] == "Cancelled" and by_key["CancellationReason"] == "compat",
      "Cancel: read by key, with its reason")
renewed.Purge()
try:
    svc.default_context.connection.execute_get(f"{URL}Enrollments({renewed.Id})")
    check(False, "Purge")
except ODataError:
    check(True, "Purge (then 404)")

onboarding = svc.query(Course).get(104)
onboarding.Enroll(userLoginName=people[2], **NO)
pending = svc.query(Enrollment).filter(
    (Enrollment.CourseId == 104) & (Enrollment.UserLoginName == CLAIMS + people[2])
    & (Enrollment.RegistrationStatus == "Pending")).one()
pending.Approve()
check(svc.query(Enrollment).get(pending.Id).RegistrationStatus == "Enrolled", "Approve")
onboarding.Enroll(userLoginName=people[3], **NO)
other = svc.query(Enrollment).filter(
    (Enrollment.CourseId == 104) & (Enrollment.UserLoginName == CLAIMS + people[3])
    & (Enrollment.RegistrationStatus == "Pending")).one()
other.Reject(message="full")
check(svc.default_context.connection.execute_get(f"{URL}Enrollments({other.Id})")["RegistrationStatus"]
      == "Rejected", "Reject")

readonly = service("demo-lms365-readonly-key")
try:
    readonly.query(readonly.entities["Courses"]).get(102).Enroll(userLoginName=FIRST, **NO)
    check(False, "a read-only key cannot enroll")
except ODataError as e:
    check("read-only" in str(e), "a read-only key cannot enroll (403)")

print(f"lms365 python-odata: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
