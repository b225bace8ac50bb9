"""The ``techmatch`` command as a user runs it, in a fresh folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support import FIXTURES, Server


def run(
    *args: str,
    cwd: Path,
    db: Path | None = None,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in (env or os.environ).items() if k != "DATABASE_URL"}
    if db is not None:
        env["DATABASE_URL"] = f"sqlite:///{db}"
    return subprocess.run(
        [sys.executable, "-m", "techmatch.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
    )


@pytest.mark.parametrize("command", ["serve", "seed", "import", "export", "eval", "match", "user"])
def test_help(command: str, tmp_path: Path) -> None:
    done = run(command, "--help", cwd=tmp_path)
    assert done.returncode == 0
    assert "usage: techmatch " + command in done.stdout


def test_import_reports_bad_rows_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("organizations.jsonl", "needs.jsonl", "results.jsonl"):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    with (folder / "results.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps({"id": "TR-03", "title": "缺摘要", "region": "beijing"}) + "\n")
    db = tmp_path / "cli.db"

    done = run("import", str(folder), cwd=tmp_path, db=db)
    assert done.returncode == 1
    assert "results.jsonl:3:" in done.stderr and "abstract" in done.stderr
    assert "nothing written" in done.stderr
    export = run("export", "--kind", "organizations", cwd=tmp_path, db=db)
    assert export.stdout == ""

    done = run("import", str(folder), "--skip-invalid", cwd=tmp_path, db=db)
    assert done.returncode == 0
    assert "imported 3 organizations, 2 needs, 2 results (1 invalid rows skipped)" in done.stdout
    out = tmp_path / "needs.csv"
    run("export", "--kind", "needs", "--format", "csv", "-o", str(out), cwd=tmp_path, db=db)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,organization,title,description")
    assert len(lines) == 3


def test_serve_demo_in_an_empty_folder(tmp_path: Path) -> None:
    """The README's first command: a SQLite file appears here, filled with the demo data,
    and one user per role whose password is printed at start."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "TECHMATCH"))}
    server = Server("--demo", cwd=tmp_path, env=env)
    try:
        health = server.wait_ready()
        base = server.base
        assert health["counts"]["needs"] >= 40
        assert health["counts"]["results"] >= 160
        assert (tmp_path / "techmatch.db").exists()
        assert httpx.get(f"{base}/docs").status_code == 200
        found = httpx.get(f"{base}/api/v1/results", params={"q": "激光", "limit": 5}).json()
        assert found["total"] > 0
        printed = re.findall(r"(\w+) +username (\w+) +password (\S+)", server.log())
        assert {role for role, _, _ in printed} == {"admin", "staff", "enterprise", "institute"}
        for role, username, password in printed:
            token = httpx.post(
                f"{base}/api/v1/auth/token", data={"username": username, "password": password}
            )
            assert token.status_code == 200, token.text
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            me = httpx.get(f"{base}/api/v1/users/me", headers=headers).json()
            assert me["role"] == role
            assert (me["organization_id"] is not None) == (role in ("enterprise", "institute"))
    finally:
        server.stop()


def test_serve_refuses_the_default_secret_outside_demo(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TECHMATCH")}
    done = run("serve", cwd=tmp_path, db=tmp_path / "x.db", env=env)
    assert done.returncode == 2
    assert "TECHMATCH_SECRET_KEY" in done.stderr


def test_user_add_reads_the_password_from_stdin(tmp_path: Path) -> None:
    db = tmp_path / "users.db"
    run("import", str(FIXTURES), cwd=tmp_path, db=db)

    def add(role: str, username: str, password: str, *org: str) -> subprocess.CompletedProcess:
        return run(
            *("user", "add", "--role", role, "--username", username, *org),
            cwd=tmp_path,
            db=db,
            stdin=password + "\n",
        )

    short = add("staff", "wangmin", "short")
    assert short.returncode == 2 and "password" in short.stderr
    no_org = add("enterprise", "lihua", "a-long-enough-password")
    assert no_org.returncode == 2 and "organization_id" in no_org.stderr
    done = add("enterprise", "lihua", "a-long-enough-password", "--org", "cz-ruida-flange")
    assert done.returncode == 0, done.stderr
    assert "added enterprise user lihua of organization" in done.stdout
    again = add("staff", "lihua", "another-long-password")
    assert again.returncode == 2 and "taken" in again.stderr
    from sqlmodel import Session, create_engine, select

    from models.users import User
    from techmatch.services.users import authenticate

    engine = create_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "lihua")).one()
        assert user.password_hash.startswith("$argon2")
        assert authenticate("lihua", "a-long-enough-password", session=session).id == user.id
    engine.dispose()


def test_eval_prints_figures_and_writes_a_run(tmp_path: Path) -> None:
    run_file = tmp_path / "run.txt"
    done = run(
        "eval",
        str(FIXTURES / "eval"),
        "--json",
        "--run",
        str(run_file),
        "--depth",
        "3",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(figures["systems"]) == {"techmatch", "bm25", "tfidf"}
    assert set(figures["systems"]["techmatch"]["all"]) == {"ndcg@10", "recall@10", "mrr", "p@5"}
    lines = run_file.read_text().splitlines()
    assert len(lines) == 9  # 3 needs x depth 3
    assert lines[0].split()[1:2] == ["Q0"] and lines[0].split()[3] == "1"
    table = run("eval", str(FIXTURES / "eval"), cwd=tmp_path)
    assert "nDCG@10" in table.stdout and "bm25" in table.stdout
    assert run("eval", str(tmp_path), cwd=tmp_path).returncode == 2


def test_match_and_resources_stats(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    assert run("seed", cwd=tmp_path, db=db).returncode == 0
    done = run("match", "--text", "超滤膜污染严重，通量下降", "--limit", "3", cwd=tmp_path, db=db)
    assert done.returncode == 0, done.stderr
    assert " 1. " in done.stdout and "shared:" in done.stdout
    by_code = run("match", "--need", "N101", "--limit", "2", cwd=tmp_path, db=db)
    assert by_code.stdout.startswith("need N101:")
    everything = run("match", "--all", cwd=tmp_path, db=db)
    assert "suggestions:" in everything.stdout and " new" in everything.stdout
    again = run("match", "--all", cwd=tmp_path, db=db)
    assert "suggestions: 0 new" in again.stdout
    stats = run("resources", "stats", str(FIXTURES / "eval"), cwd=tmp_path)
    assert "English keywords mapped" in stats.stdout and "pipeline-equipment" in stats.stdout
