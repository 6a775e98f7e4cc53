from django.urls import path

from gefeng.skills.views import apprentices as a
from gefeng.skills.views import competitions as c
from gefeng.skills.views import innovations as i
from gefeng.skills.views import training as t
from gefeng.skills.views import worker as w

app_name = "skills"

urlpatterns = [
    # competitions
    path("competitions/", c.competition_list, name="competition-list"),
    path("competitions/new/", c.competition_create, name="competition-create"),
    path("competitions/industries/", c.industry_list, name="industry-list"),
    path("competitions/<int:pk>/", c.competition_detail, name="competition-detail"),
    path("competitions/<int:pk>/register/", c.entry_register, name="entry-register"),
    path("competitions/<int:pk>/trades/", c.trade_add, name="trade-add"),
    path("competitions/<int:pk>/judges/", c.judge_add, name="judge-add"),
    path("competitions/<int:pk>/scoring/", c.competition_scoring, name="competition-scoring"),
    path("competitions/<int:pk>/scores/", c.score_enter, name="score-enter"),
    path("competitions/<int:pk>/scores/import/", c.score_import, name="score-import"),
    path("competitions/<int:pk>/compute/", c.results_compute, name="results-compute"),
    path("competitions/<int:pk>/publish/", c.results_publish, name="results-publish"),
    path("competitions/<int:pk>/finalize/", c.results_finalize, name="results-finalize"),
    path("competitions/<int:pk>/export/", c.competition_export, name="competition-export"),
    path("competitions/<int:pk>/certificates/", c.competition_certificates, name="competition-certificates"),
    path("entries/<int:pk>/objection/", c.objection_record, name="objection-record"),
    path("entries/<int:pk>/objection/resolve/", c.objection_resolve, name="objection-resolve"),
    path("entries/<int:pk>/nominate/", c.entry_nominate, name="entry-nominate"),
    # 名师高徒
    path("pairs/", a.pair_list, name="pair-list"),
    path("pairs/new/", a.pair_create, name="pair-create"),
    path("pairs/<int:pk>/", a.pair_detail, name="pair-detail"),
    path("pairs/<int:pk>/agreement/", a.pair_agreement, name="pair-agreement"),
    path("pairs/<int:pk>/assess/", a.pair_assess, name="pair-assess"),
    path("pairs/<int:pk>/finish/", a.pair_finish, name="pair-finish"),
    path("pairs/<int:pk>/reward/", a.pair_reward, name="pair-reward"),
    # 五小 and patents
    path("proposals/", i.proposal_list, name="proposal-list"),
    path("proposals/new/", i.proposal_create, name="proposal-create"),
    path("proposals/grades/", i.grade_list, name="grade-list"),
    path("proposals/<int:pk>/", i.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/review/", i.proposal_review, name="proposal-review"),
    path("proposals/<int:pk>/apply/", i.proposal_apply, name="proposal-apply"),
    path("proposals/<int:pk>/benefit/", i.proposal_benefit, name="proposal-benefit"),
    path("proposals/<int:pk>/reward/", i.proposal_reward, name="proposal-reward"),
    path("proposals/<int:pk>/paid/", i.proposal_paid, name="proposal-paid"),
    path("proposals/<int:pk>/select/", i.proposal_select, name="proposal-select"),
    path("patents/", i.patent_list, name="patent-list"),
    path("patents/new/", i.patent_create, name="patent-create"),
    path("patents/<int:pk>/grant/", i.patent_grant, name="patent-grant"),
    path("patents/<int:pk>/reward/", i.patent_reward, name="patent-reward"),
    path("patents/<int:pk>/conversion/", i.patent_conversion, name="patent-conversion"),
    # training
    path("courses/", t.course_list, name="course-list"),
    path("courses/new/", t.course_create, name="course-create"),
    path("courses/<int:pk>/", t.course_detail, name="course-detail"),
    path("courses/<int:pk>/enrol/", t.course_enrol, name="course-enrol"),
    path("courses/<int:pk>/sessions/", t.session_add, name="session-add"),
    path("courses/<int:pk>/complete/", t.course_complete, name="course-complete"),
    path("sessions/<int:pk>/attendance/import/", t.attendance_import, name="attendance-import"),
    path("sessions/<int:pk>/attendance/", t.attendance_mark, name="attendance-mark"),
    path("sessions/<int:pk>/qr/", t.session_qr, name="session-qr"),
    path("trainees/<int:pk>/placement/", t.placement, name="placement"),
    # the worker's phone pages
    path("w/", w.w_home, name="w-home"),
    path("w/competitions/<int:pk>/register/", w.w_register, name="w-register"),
    path("w/courses/<int:pk>/enrol/", w.w_enrol, name="w-enrol"),
    path("w/proposals/", w.w_proposals, name="w-proposals"),
    path("w/proposals/new/", w.w_proposal_create, name="w-proposal-create"),
    path("w/sign/<str:token>/", w.w_sign, name="w-sign"),
]
