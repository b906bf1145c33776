#!/usr/bin/env python3
"""Generates synthetic Tollgate repositories for scripts/bench, with `git fast-import`.

    scripts/bench-gen.py DEST --models N [--history C] [--approvals] [--checkout]
    scripts/bench-gen.py readparse REPO   # baseline: every YAML blob of HEAD via pygit2 + CLoader
    scripts/bench-gen.py rego REPO        # readparse, then regopy evaluates the release gate

Every model gets, from the DistilOps demo's documents used as templates (names and
numbers varied):

    models/<m>/card.yaml                         ModelCard <m>-2.1.0
    models/<m>/model.onnx                        a Git LFS pointer (the run's artifact)
    runs/<m>/run-<n>.yaml                        RunManifest, distilled from fraud-teacher run-7301
    requests/released/<m>-2.1.0-staging.yaml     PromotionRequest development -> staging
    requests/<m>-2.1.0-production.yaml           PromotionRequest staging -> production

that is 4 documents per model, plus the shared ones: `.tollgate.yaml`, the default pack
(policies/ of this checkout, without tests), a Team with freshly generated ed25519 keys,
the teacher fraud-teacher 1.4.0 (card, run-7301) and the baseline run-7702. The runs'
code commit is the first commit (training code), so the lineage rule finds it.

Every rule of the default pack passes for every production request except
`approvals/production-sign-off`, which blocks: the generated history is not signed
(approvals are proved by signed commits). That does not change what is read or evaluated.

--history C appends C commits after the tree commit, each changing one document (a run's
serving numbers, a request's justification, or a card's description), round-robin over the
models, with one author per commit; --approvals adds unsigned Approval files for the first
model's production request right after the tree commit, so attributing them walks the
whole history. The last commit always changes the first model's production request (the
"pull request" measured by `policy check --base HEAD~1`).

Prints a JSON summary (documents, commits, the staged-check file) on stdout.
"""
import argparse
import functools
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEMO = os.path.join(ROOT, "fixtures", "distilops", "repo")
PACK = os.path.join(ROOT, "policies")
MEMBERS = ["alice", "bob", "carol", "dana"]
EPOCH = 1790000000  # 2026-09-21, fixed dates, one minute per commit


@functools.lru_cache(maxsize=None)
def read(path):
    with open(os.path.join(DEMO, path), encoding="utf-8") as f:
        return f.read()


def lfs_pointer(seed, size):
    oid = hashlib.sha256(seed.encode()).hexdigest()
    return oid, f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n"


def team_yaml(scratch):
    text = read("policies/team.yaml")
    for member in MEMBERS:
        key = os.path.join(scratch, member)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", member, "-f", key],
                       check=True, stdin=subprocess.DEVNULL)
        with open(key + ".pub") as f:
            pub = " ".join(f.read().split()[:2])
        text = text.replace(f"__{member.upper()}_KEY__", pub)
    return text


class FastImport:
    def __init__(self, repo):
        self.proc = subprocess.Popen(["git", "-C", repo, "fast-import", "--quiet", "--done"],
                                     stdin=subprocess.PIPE)
        self.out = self.proc.stdin
        self.buffer = []
        self.size = 0
        self.time = EPOCH

    def write(self, b):
        self.buffer.append(b)
        self.size += len(b)
        if self.size > 1 << 20:
            self.flush()

    def flush(self):
        self.out.write(b"".join(self.buffer))
        self.buffer = []
        self.size = 0

    def data(self, text):
        b = text.encode() if isinstance(text, str) else text
        self.write(b"data %d\n" % len(b) + b + b"\n")

    def commit(self, member, message, files, parent=None, deletes=()):
        self.time += 60
        who = f"{member.capitalize()} <{member}@distilops.example> {self.time} +0000\n".encode()
        self.write(b"commit refs/heads/main\nauthor " + who + b"committer " + who)
        self.data(message)
        if parent:
            self.write(b"from " + parent.encode() + b"\n")
        for path in deletes:
            self.write(b"D " + path.encode() + b"\n")
        for path, text in files:
            self.write(b"M 100644 inline " + path.encode() + b"\n")
            self.data(text)
        self.write(b"\n")

    def close(self):
        self.write(b"done\n")
        self.flush()
        self.out.close()
        if self.proc.wait() != 0:
            sys.exit("git fast-import failed")


def model_files(i, train_commit, variant=0):
    m = f"fraud-s{i:05d}"
    run = f"run-{100000 + i}"
    oid, pointer = lfs_pointer(m, 67301632 + i)
    p95 = 18.0 + (i % 60) / 10  # 18.0 .. 23.9 ms: under the 25 ms SLO
    card = read("models/fraud-student/card.yaml")
    card = card.replace("name: fraud-student-2.1.0", f"name: {m}-2.1.0").replace("model: fraud-student", f"model: {m}")
    card = card.replace("sizeMB: 67.3", f"sizeMB: {67.3 + i / 1000:.3f}")
    if variant:
        card = card.replace("where the teacher is too slow.", f"where the teacher is too slow (revision {variant}).")
    r = read("runs/fraud-student/run-8812.yaml")
    r = r.replace("name: run-8812", f"name: {run}").replace("model: fraud-student", f"model: {m}")
    r = r.replace("__DISTILL_2_1_0_COMMIT__", train_commit)
    r = r.replace("path: models/fraud-student/model.onnx", f"path: models/{m}/model.onnx")
    r = r.replace("019cf6068fa0c9eba497d0980f9cbc71e46a842fdaad80773f394588e3abc71c", oid)
    r = r.replace("sizeBytes: 67301632", f"sizeBytes: {67301632 + i}")
    r = r.replace("seed: 8812", f"seed: {100000 + i}")
    r = r.replace("p95Ms: 28.7", f"p95Ms: {p95:.1f}")
    if variant:
        r = r.replace("p50Ms: 11.4", f"p50Ms: {10 + (variant % 30) / 10:.1f}")
    staging = read("requests/released/fraud-student-2.1.0-staging.yaml")
    staging = staging.replace("fraud-student-2.1.0-staging", f"{m}-2.1.0-staging").replace("model: fraud-student", f"model: {m}")
    staging = staging.replace("run: run-8812", f"run: {run}").replace("modelCard: fraud-student-2.1.0", f"modelCard: {m}-2.1.0")
    prod = read("requests/fraud-student-2.1.0-production.yaml")
    prod = prod.replace("fraud-student-2.1.0-production", f"{m}-2.1.0-production").replace("model: fraud-student", f"model: {m}")
    prod = prod.replace("run: run-8812", f"run: {run}\n  baseline: run-7702").replace("modelCard: fraud-student-2.1.0", f"modelCard: {m}-2.1.0")
    if variant:
        prod = prod.replace("for seven days.", f"for seven days (revision {variant}).")
    return m, {
        f"models/{m}/card.yaml": card,
        f"models/{m}/model.onnx": pointer,
        f"runs/{m}/{run}.yaml": r,
        f"requests/released/{m}-2.1.0-staging.yaml": staging,
        f"requests/{m}-2.1.0-production.yaml": prod,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dest")
    ap.add_argument("--models", type=int, required=True)
    ap.add_argument("--history", type=int, default=0)
    ap.add_argument("--approvals", action="store_true")
    ap.add_argument("--checkout", action="store_true", help="check out the working tree (for --staged)")
    a = ap.parse_args()

    os.makedirs(a.dest, exist_ok=True)
    if os.listdir(a.dest):
        sys.exit(f"{a.dest} is not empty")
    env_git = ["git", "-C", a.dest]
    subprocess.run(env_git + ["init", "-q", "-b", "main"], check=True)
    for k, v in [("commit.gpgsign", "false"), ("core.autocrlf", "false"), ("gc.auto", "0")]:
        subprocess.run(env_git + ["config", k, v], check=True)

    # Commit 1: training code, config, default pack, Team.
    scratch = tempfile.mkdtemp()
    files = [(".tollgate.yaml", read(".tollgate.yaml")), ("README.md", read("README.md")),
             ("policies/team.yaml", team_yaml(scratch))]
    for name in sorted(os.listdir(PACK)):
        if name.endswith(".yaml"):
            with open(os.path.join(PACK, name)) as f:
                files.append((f"policies/{name}", f.read()))
    for root, _, names in os.walk(os.path.join(DEMO, "train")):
        for name in names:
            p = os.path.relpath(os.path.join(root, name), DEMO)
            files.append((p, read(p)))
    fi = FastImport(a.dest)
    fi.commit("dana", "Set up Tollgate and the training code\n", files)
    fi.close()
    train = subprocess.run(env_git + ["rev-parse", "main"], check=True, capture_output=True, text=True).stdout.strip()

    # Commit 2: the whole tree of models.
    fi = FastImport(a.dest)
    fi.time += 60
    shared = []
    for p in ["models/fraud-teacher/card.yaml", "models/fraud-teacher/model.pt", "runs/fraud-teacher/run-7301.yaml",
              "runs/fraud-student/run-7702.yaml", "models/fraud-student/1.3.0/model.onnx"]:
        shared.append((p, read(p).replace("__TRAIN_COMMIT__", train)))
    tree = list(shared)
    for i in range(a.models):
        _, fs = model_files(i, train)
        tree.extend(fs.items())
    fi.commit("alice", f"Add {a.models} models\n", tree, parent=train)
    documents = sum(1 for p, _ in tree if p.endswith(".yaml")) + 3 + len([n for n in os.listdir(PACK) if n.endswith(".yaml")])

    if a.approvals:
        approval = ("apiVersion: tollgate/v1\nkind: Approval\nmetadata:\n  name: fraud-s00000-2.1.0-production-{m}\n"
                    "spec:\n  request: fraud-s00000-2.1.0-production\n  approver: {m}\n  decision: approve\n  role: {r}\n"
                    "  justification: Reviewed the slices and the canary plan\n  digest: sha256:{d}\n")
        fi.commit("bob", "Approve fraud-s00000 2.1.0\n", [
            ("approvals/fraud-s00000-2.1.0-production/bob.yaml", approval.format(m="bob", r="rai-reviewer", d="0" * 64)),
            ("approvals/fraud-s00000-2.1.0-production/carol.yaml", approval.format(m="carol", r="approver", d="0" * 64)),
        ])
        documents += 2

    kinds = ["runs", "requests", "models"]
    for c in range(a.history):
        last = c == a.history - 1
        i = 0 if last else (c * 7919) % a.models
        m, fs = model_files(i, train, variant=c + 1)
        kind = "requests" if last else kinds[c % 3]
        path = next(p for p in fs if p.startswith(kind) and "released" not in p and p.endswith(".yaml"))
        fi.commit(MEMBERS[c % 4], f"Update {path}\n", [(path, fs[path])])
    fi.close()
    if a.checkout:
        subprocess.run(env_git + ["reset", "-q", "--hard", "main"], check=True)
    commits = int(subprocess.run(env_git + ["rev-list", "--count", "main"], check=True, capture_output=True,
                                 text=True).stdout)
    print(json.dumps({"repo": os.path.abspath(a.dest), "models": a.models, "documents": documents,
                      "commits": commits}))


# ---- baselines used by scripts/bench -------------------------------------------------------

REGO = """package releasegate

import rego.v1

# The release-gate policy of the default pack (policies/release-gate.yaml), in Rego: for each
# PromotionRequest to production, its run's serving SLOs.
production contains r if {
	some r in input.requests
	r.spec.to == "production"
}

run_of(r) := input.runs[r.spec.run]

deny contains {"request": r.metadata.name, "rule": "p95-latency", "value": v} if {
	some r in production
	v := run_of(r).spec.serving.p95Ms
	v > 25
}

deny contains {"request": r.metadata.name, "rule": "p95-latency", "value": null} if {
	some r in production
	not run_of(r).spec.serving.p95Ms
}

warn contains {"request": r.metadata.name, "rule": "p99-latency", "value": v} if {
	some r in production
	v := run_of(r).spec.serving.p99Ms
	v > 50
}

deny contains {"request": r.metadata.name, "rule": "error-rate", "value": v} if {
	some r in production
	v := run_of(r).spec.serving.errorRate
	v > 0.02
}

deny contains {"request": r.metadata.name, "rule": "availability", "value": v} if {
	some r in production
	v := run_of(r).spec.serving.availability
	v < 0.999
}

deny contains {"request": r.metadata.name, "rule": "error-budget-burn", "value": burn} if {
	some r in production
	burn := run_of(r).spec.serving.errorRate / (1 - 0.98)
	burn > 1
}

blocked contains d.request if {
	some d in deny
}

summary := {"production": count(production), "blocked": count(blocked), "warned": count(warn)}
"""


def read_parse(repo_path, rev="HEAD"):
    """Reads every *.yaml / *.yml blob of REV through libgit2 (pygit2) and parses it with
    PyYAML's libyaml CLoader. Returns the parsed documents."""
    import pygit2
    import yaml
    repo = pygit2.Repository(repo_path)
    tree = repo.revparse_single(rev).peel(pygit2.Tree)
    docs = []
    stack = [("", tree)]
    while stack:
        prefix, t = stack.pop()
        for entry in t:
            path = prefix + entry.name
            if entry.type_str == "tree":
                stack.append((path + "/", repo[entry.id]))
            elif path.endswith((".yaml", ".yml")):
                data = repo[entry.id].data
                try:
                    docs.append((path, yaml.load(data, Loader=yaml.CLoader)))
                except yaml.YAMLError:
                    docs.append((path, None))
    return docs


def baseline_main(argv):
    mode, repo_path = argv[0], argv[1]
    docs = read_parse(repo_path)
    if mode == "readparse":
        print(len(docs))
        return
    import regopy
    requests, runs = [], {}
    for _, d in docs:
        if not isinstance(d, dict) or d.get("apiVersion") != "tollgate/v1":
            continue
        if d.get("kind") == "PromotionRequest":
            requests.append(d)
        elif d.get("kind") == "RunManifest":
            runs[d["metadata"]["name"]] = d
    rego = regopy.Interpreter()
    rego.add_module("releasegate", REGO)
    rego.set_input(regopy.Input({"requests": requests, "runs": runs}))
    print(rego.query("s = data.releasegate.summary"))


if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] in ("readparse", "rego"):
    baseline_main(sys.argv[1:])
    sys.exit(0)


if __name__ == "__main__":
    main()
