"""The import-*, export-* and bench commands as people run them: dashes in `tusoi import-orgs`,
exit status 1 with every bad row listed, templates, dry runs, round trips through files."""

import io
import sys

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tusoi import cli
from tusoi.accounts.models import RoleGrant
from tusoi.members.models import Member
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Role

MEMBER_HEADER = [
    "Số thẻ đảng viên",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Ngày vào Đảng",
    "Mã chi bộ",
]


def workbook(path, header, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_console_script_maps_dashes_to_command_names(monkeypatch):
    assert cli.command_argv(["tusoi", "import-orgs", "f.xlsx", "--org", "A"]) == [
        "tusoi",
        "import_orgs",
        "f.xlsx",
        "--org",
        "A",
    ]
    assert cli.command_argv(["tusoi", "export-members", "--org", "A", "x.csv"])[1] == (
        "export_members"
    )
    assert cli.command_argv(["tusoi", "migrate", "--run-syncdb"]) == [
        "tusoi",
        "migrate",
        "--run-syncdb",
    ]
    assert cli.command_argv(["tusoi", "--version"]) == ["tusoi", "--version"]
    seen = {}
    monkeypatch.setattr(sys, "argv", ["tusoi", "import-roles", "--help"])
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: seen.setdefault("a", argv)
    )
    cli.main()
    assert seen["a"][1] == "import_roles"


def test_member_import_prints_every_bad_row_exits_1_and_writes_nothing(tree, tmp_path):
    source = workbook(
        tmp_path / "dang-vien.xlsx",
        MEMBER_HEADER,
        [
            ["81000001", "Phạm Thị Hoa", "17/05/1980", "Nữ", "02/03/2005", "A1"],
            ["81000002", "Lê Văn Tám", "31/02/1980", "Nam", "02/03/2005", "A1"],
            ["81000003", "", "17/05/1980", "Nam", "02/03/2005", "KHONG-CO"],
        ],
    )
    with pytest.raises(CommandError) as raised:
        run("import_members", str(source), "--org", "A", "--as-system")
    assert raised.value.returncode == 1
    assert "3 lỗi" in str(raised.value)
    assert not Member.objects.filter(card_number__startswith="810000").exists()
    errors_file = tmp_path / "dang-vien.loi.xlsx"
    assert errors_file.exists()
    assert openpyxl.load_workbook(errors_file).active.max_row >= 4


def test_member_import_error_lines_name_row_column_value_and_message(tree, tmp_path, capsys):
    source = workbook(
        tmp_path / "dv.xlsx",
        MEMBER_HEADER,
        [["81000002", "Lê Văn Tám", "31/02/1980", "Nam", "02/03/2005", "A1"]],
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_members",
            str(source),
            "--org",
            "A",
            "--as-system",
            "--errors-out",
            str(tmp_path / "loi.xlsx"),
            stderr=err,
            stdout=io.StringIO(),
        )
    assert "dòng 2, cột Ngày sinh: 31/02/1980 — " in err.getvalue()
    assert (tmp_path / "loi.xlsx").exists()


def test_dry_run_counts_and_writes_nothing_then_import_prints_counts(tree, tmp_path):
    source = workbook(
        tmp_path / "dv.xlsx",
        MEMBER_HEADER,
        [["81000001", "Phạm Thị Hoa", "17/05/1980", "Nữ", "02/03/2005", "A1"]],
    )
    out, _err = run("import_members", str(source), "--org", "A", "--as-system", "--dry-run")
    assert "1 mới" in out
    assert not Member.objects.filter(card_number="81000001").exists()
    out, _err = run("import_members", str(source), "--org", "A", "--as-system")
    assert "1 mới, 0 thay đổi, 0 không đổi" in out
    assert Member.objects.filter(card_number="81000001", cell=tree.cell_a).exists()
    out, _err = run("import_members", str(source), "--org", "A", "--as-system")
    assert "0 mới, 0 thay đổi, 1 không đổi" in out


def test_import_needs_a_user_in_scope_or_as_system(tree, tmp_path, make_user):
    make_user(tree.branch_b, Role.COMMITTEE, username="ubb")
    source = workbook(
        tmp_path / "dv.csv.xlsx",
        MEMBER_HEADER,
        [["81000001", "Phạm Thị Hoa", "17/05/1980", "Nữ", "02/03/2005", "A1"]],
    )
    with pytest.raises(CommandError):
        run("import_members", str(source), "--org", "A")
    with pytest.raises(CommandError) as raised:
        run("import_members", str(source), "--org", "A", "--user", "ubb")
    assert raised.value.returncode == 1
    assert not Member.objects.filter(card_number="81000001").exists()


def test_warnings_are_printed_and_do_not_block(tree, tmp_path):
    source = workbook(
        tmp_path / "dv.xlsx",
        MEMBER_HEADER,
        [
            [
                tree.member_a.card_number,
                tree.member_a.full_name,
                "17/05/1980",
                "Nam",
                "02/03/2005",
                "A2",
            ]
        ],
    )
    out, _err = run("import_members", str(source), "--org", "A", "--as-system")
    assert "cảnh báo: dòng 2" in out and "chuyển từ chi bộ" in out
    tree.member_a.refresh_from_db()
    assert tree.member_a.cell == tree.cell_a2


@pytest.mark.parametrize("command", ["import_orgs", "import_members", "import_roles"])
def test_write_template_writes_the_headers(db, tmp_path, command):
    out_file = tmp_path / "mau.xlsx"
    out, _err = run(command, "--write-template", str(out_file))
    sheet = openpyxl.load_workbook(out_file).active
    headers = [c.value for c in sheet[1]]
    assert headers and all(headers)
    assert str(out_file) in out


def test_orgs_and_roles_import_from_csv(tree, tmp_path, make_user):
    (tmp_path / "tc.csv").write_text(
        "Mã tổ chức,Tên tổ chức,Loại tổ chức,Mã tổ chức cấp trên\n"
        "A9,Chi bộ khu phố 9,Chi bộ trực thuộc,A\n",
        encoding="utf-8",
    )
    run("import_orgs", str(tmp_path / "tc.csv"), "--org", "A", "--as-system")
    assert Organization.objects.get(code="A9").parent == tree.branch_a
    make_user(username="lan")
    (tmp_path / "vt.csv").write_text(
        "Tên đăng nhập hoặc số thẻ,Mã tổ chức,Vai trò\nlan,A9,Bí thư chi bộ\n", encoding="utf-8"
    )
    run("import_roles", str(tmp_path / "vt.csv"), "--org", "A", "--as-system")
    assert RoleGrant.objects.filter(user__username="lan", organization__code="A9").exists()


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", ["orgs", "members", "roles"])
def test_export_then_import_changes_nothing(tree, tmp_path, make_user, kind, suffix):
    lan = make_user(username="lan")
    RoleGrant.objects.create(user=lan, organization=tree.cell_a, role=Role.SECRETARY)
    out_file = tmp_path / f"{kind}.{suffix}"
    run(f"export_{kind}", "--org", "TU", str(out_file))
    out, _err = run(f"import_{kind}", str(out_file), "--org", "TU", "--as-system")
    assert "0 mới, 0 thay đổi" in out


def test_bench_import_runs_and_ends_with_the_summary_line(db):
    out, _err = run("bench", "import", "--rows", "300")
    last = out.strip().splitlines()[-1]
    assert last.startswith("import: 300 rows in ")
    assert last.endswith(" rows/s)")
    assert "validate: 300 rows" in out and "peak memory" in out
    assert not Organization.objects.filter(code="BENCH").exists()
