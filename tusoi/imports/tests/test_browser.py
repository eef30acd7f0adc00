import pytest
from huey.contrib.djhuey import HUEY

from tusoi.imports.models import ImportUpload
from tusoi.imports.tests.workbooks import member_row, workbook
from tusoi.jobs.services import job_run
from tusoi.members.models import Member
from tusoi.orgs.permissions import Role
from tusoi.testing.factories import PASSWORD

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def queued_jobs():
    """Jobs wait in the (test-only) queue instead of running inline, as with a real worker."""
    HUEY.immediate = False
    yield HUEY
    HUEY.flush()
    HUEY.immediate = True


def test_upload_errors_fix_and_watch_the_import_finish(
    page, browser_login, tree, make_user, queued_jobs
):
    user = make_user(tree.branch_a, Role.COMMITTEE, username="tochuc")
    browser_login(page, user.username, PASSWORD)
    page.goto(f"/orgs/{tree.branch_a.pk}/")
    page.get_by_role("link", name="Nhập hoặc xuất danh sách đảng viên").click()

    bad = workbook(
        "members",
        [
            member_row("90000101", "Phạm Thị Hoa", "A1"),
            member_row("90000102", "Đỗ Văn Hùng", "A1", birth_date="31/02/1980"),
        ],
    )
    queued_jobs.immediate = True  # the check runs at once; only the import waits for the worker
    page.set_input_files("input[type=file]", {"name": "dv.xlsx", "mimeType": XLSX, "buffer": bad})
    page.get_by_role("button", name="Tải lên và kiểm tra").click()

    problems = page.locator("table.problems tbody tr")
    assert problems.count() == 1
    assert problems.first.locator("td").first.inner_text() == "3"
    assert "31/02/1980" in problems.first.inner_text()
    assert not Member.objects.filter(card_number="90000101").exists()

    good = workbook(
        "members",
        [
            member_row("90000101", "Phạm Thị Hoa", "A1"),
            member_row("90000102", "Đỗ Văn Hùng", "A1", birth_date="28/02/1980"),
        ],
    )
    page.set_input_files("input[type=file]", {"name": "dv.xlsx", "mimeType": XLSX, "buffer": good})
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    assert page.locator("[data-count=created]").inner_text() == "2"

    queued_jobs.immediate = False
    page.get_by_role("button", name="Nhập ngay").click()
    assert page.locator("[data-state]").get_attribute("data-state") == "applying"
    assert page.locator("progress").count() == 1

    upload = ImportUpload.objects.get(state=ImportUpload.State.APPLYING)
    job_run(job_id=upload.apply_job_id)  # what the worker does with the queued job

    # The page polls its status part and shows the result without a reload.
    page.locator("[data-state=done]").wait_for()
    assert page.locator("progress").count() == 0
    assert page.locator("[data-count=created]").inner_text() == "2"
    assert Member.objects.filter(card_number__in=["90000101", "90000102"]).count() == 2
