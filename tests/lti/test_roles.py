"""The role mapping table, both LTI vocabularies and per-platform overrides."""

import pytest

from catalyst_training.lti.roles import map_roles

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


@pytest.mark.parametrize(
    ("lti_roles", "expected"),
    [
        ([LIS + "membership#Learner"], "learner"),
        ([LIS + "institution/person#Student"], "learner"),
        ([LIS + "membership#Instructor"], "mentor"),
        ([LIS + "membership/Instructor#TeachingAssistant"], "mentor"),
        ([LIS + "membership#Mentor"], "mentor"),
        ([LIS + "membership/Mentor#Advisor"], "mentor"),
        ([LIS + "institution/person#Instructor"], "mentor"),
        ([LIS + "membership#Administrator"], "coordinator"),
        ([LIS + "membership#ContentDeveloper"], "coordinator"),
        ([LIS + "membership/Manager#CourseCoordinator"], "coordinator"),
        ([LIS + "institution/person#Administrator"], "coordinator"),
        ([LIS + "system/person#Administrator"], "coordinator"),
        # Highest role wins when several are sent.
        ([LIS + "membership#Learner", LIS + "membership#Instructor"], "mentor"),
        # LTI 1.1 forms: short names and URNs.
        (["Learner"], "learner"),
        (["Instructor"], "mentor"),
        (["urn:lti:role:ims/lis/Learner"], "learner"),
        (["urn:lti:instrole:ims/lis/Administrator"], "coordinator"),
        (["urn:lti:role:ims/lis/TeachingAssistant"], "mentor"),
        ([LIS + "membership#Observer"], None),
        ([], None),
    ],
)
def test_default_mapping(lti_roles, expected):
    assert map_roles(lti_roles) == expected


def test_platform_override_replaces_one_entry():
    overrides = {LIS + "membership#Instructor": "coordinator"}
    assert map_roles([LIS + "membership#Instructor"], overrides) == "coordinator"
    assert map_roles([LIS + "membership#Learner"], overrides) == "learner"
