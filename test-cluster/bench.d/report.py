#!/usr/bin/env python3
"""Statistics, table, JSON and the one-line summary of a test-cluster/bench run (standard library only).

    report.py RESULTS_DIR

Reads RESULTS_DIR/samples.tsv (scenario, tool, metric, value: one line per run and metric, written by bench) and
RESULTS_DIR/params.json; writes RESULTS_DIR/results.json and RESULTS_DIR/table.txt and prints the table, the targets
and, as the very last line, the summary of the ratios ours/peer. A scenario named CHART@X is a point of a scaling
chart: its figures go to results.json's "scaling" and, drawn with matplotlib where it is installed, to
RESULTS_DIR/CHART.png (the standard library does the rest).
"""
import json
import statistics
import sys
from pathlib import Path

# Peer each scenario compares against, and which scenarios exist (the order of the table).
SCENARIOS = {
    # sdk-java: the bare Azure SDK for Java the agent is built on (bench.d/SdkCopy.java), the floor of its stack: in
    # the large scenario doing the agent's work for a large file (blocks, ranges), in the small one azcopy's per file
    "large": ["azcopy", "rclone", "sdk-java"],
    "small": ["azcopy", "rclone", "sdk-java"],
    "posix-large": ["c-posix", "cp"],  # c-posix: native-shim's reference C copytool on the same cluster
    "posix-small": ["c-posix", "cp"],
    "memory": [],
    "check": [],
    # export and prefetch jobs against lfs hsm_archive / hsm_restore --filelist of as many files, through the same
    # agent; the import's figures (import_*) have no peer
    "jobs": ["lfs"],
}
UNITS = {"mib_s": "MiB/s", "files_s": "files/s", "cpu_s_per_gib": "CPU s/GiB", "cpu_ms_per_file": "CPU ms/file",
         "wall_s": "s",
         "azurite_cpu_s": "s (server)", "simulator_cpu_s": "s (sim.)",
         "simulator_ms_per_action": "ms (sim.)", "simulator_cores": "cores (sim.)", "rss_mib": "MiB", "budget_mib": "MiB",
         "prof_s": "s (profile)", "stubs_s": "stubs/s", "cpu_s": "CPU s", "job_s": "s (job log)",
         "walk_s": "s (job log)"}
# Metrics where a larger figure is better (ratios ours/peer > 1 win); the others are costs (ratios < 1 win).
HIGHER_IS_BETTER = ("_mib_s", "_files_s", "_stubs_s")


def unit(metric):
    for suffix, name in UNITS.items():
        if metric.endswith(suffix):
            return name
    return ""


def load(results):
    runs = {}
    for line in (results / "samples.tsv").read_text().splitlines():
        if not line.strip():
            continue
        scenario, tool, metric, value = line.split("\t")
        runs.setdefault((scenario, tool, metric), []).append(float(value))
    return runs


def figures(runs):
    out = []
    for (scenario, tool, metric), values in runs.items():
        if "@" in scenario:
            continue  # a point of a scaling chart (load_scaling)
        out.append({"scenario": scenario, "tool": tool, "metric": metric, "unit": unit(metric),
                    "median": round(statistics.median(values), 4), "min": round(min(values), 4),
                    "max": round(max(values), 4),
                    "runs": values})
    order = list(SCENARIOS)
    out.sort(key=lambda f: (order.index(f["scenario"]) if f["scenario"] in order else 99, f["metric"],
                            f["tool"] != "ours", f["tool"]))
    return out


def ratios(figs):
    by_key = {(f["scenario"], f["tool"], f["metric"]): f for f in figs}
    out = []
    for f in figs:
        if f["tool"] != "ours" or f["metric"].endswith(("_wall_s", "_azurite_cpu_s", "_simulator_cpu_s",
                                                                     "_simulator_ms_per_action", "_simulator_cores")):
            continue
        for peer in SCENARIOS.get(f["scenario"], []):
            other = by_key.get((f["scenario"], peer, f["metric"]))
            if other and other["median"] > 0:
                out.append({"scenario": f["scenario"], "metric": f["metric"], "peer": peer,
                            "ours": f["median"], "theirs": other["median"],
                            "ratio": round(f["median"] / other["median"], 3),
                            "higher_is_better": f["metric"].endswith(HIGHER_IS_BETTER)})
    return out


def targets(figs, rats):
    """The issue's targets, each with the figures it was judged on."""
    by_ratio = {(r["scenario"], r["metric"], r["peer"]): r for r in rats}
    by_key = {(f["scenario"], f["tool"], f["metric"]): f for f in figs}
    out = []

    def ratio_target(name, scenario, metric, peer, at_least=None, at_most=None):
        r = by_ratio.get((scenario, metric, peer))
        if r is None:
            return
        ok = (r["ratio"] >= at_least) if at_least is not None else (r["ratio"] <= at_most)
        out.append({"target": name, "met": ok, "ratio": r["ratio"], "ours": r["ours"], "theirs": r["theirs"]})

    # Performance, round 2 (the project's issue 15): each ratio in one run of the full benchmark on a quiet machine.
    for op in ("archive", "restore"):
        ratio_target(f"small {op} files/s >= 1.5x azcopy", "small", f"{op}_files_s", "azcopy", at_least=1.5)
        ratio_target(f"small {op} files/s >= 1.0x rclone", "small", f"{op}_files_s", "rclone", at_least=1.0)
        # the same files for both tools, so CPU per GiB compares as CPU per file
        ratio_target(f"small {op} CPU per file <= 0.5x azcopy", "small", f"{op}_cpu_s_per_gib", "azcopy",
                     at_most=0.5)
    ratio_target("large archive MiB/s >= 3x azcopy", "large", "archive_mib_s", "azcopy", at_least=3)
    ratio_target("large restore MiB/s >= 2x azcopy", "large", "restore_mib_s", "azcopy", at_least=2)
    ratio_target("large restore MiB/s >= 1.2x rclone", "large", "restore_mib_s", "rclone", at_least=1.2)
    for op in ("archive", "restore"):
        ratio_target(f"large {op} CPU s/GiB <= 0.5x azcopy", "large", f"{op}_cpu_s_per_gib", "azcopy", at_most=0.5)
    # posix backend, the engine with no network, against the reference C copytool on the same simulator
    for op in ("archive", "restore"):
        ratio_target(f"posix-small {op} files/s >= 0.8x C copytool", "posix-small", f"{op}_files_s", "c-posix",
                     at_least=0.8)
        ratio_target(f"posix-small {op} CPU per file <= 1.5x C copytool", "posix-small", f"{op}_cpu_ms_per_file",
                     "c-posix", at_most=1.5)
        ratio_target(f"posix-large {op} MiB/s >= 0.8x C copytool", "posix-large", f"{op}_mib_s", "c-posix",
                     at_least=0.8)
        ratio_target(f"posix-large {op} CPU s/GiB <= 1.5x C copytool", "posix-large", f"{op}_cpu_s_per_gib",
                     "c-posix", at_most=1.5)
    # the blob-integration jobs against the lfs commands they stand for, same agent, same run
    ratio_target("export files/s >= 0.9x lfs hsm_archive", "jobs", "export_files_s", "lfs", at_least=0.9)
    ratio_target("prefetch files/s >= 0.9x lfs hsm_restore", "jobs", "prefetch_files_s", "lfs", at_least=0.9)
    imp = by_key.get(("jobs", "ours", "import_stubs_s"))
    if imp:  # AMLFS's import rate
        out.append({"target": "import stubs/s >= 2000", "met": imp["median"] >= 2000, "ours": imp["median"],
                    "theirs": 2000})
    for s in ("small", "posix-small"):
        for op in ("archive", "restore"):
            sim = by_key.get((s, "ours", f"{op}_simulator_ms_per_action"))
            if sim:  # the simulated MDT and client must not be what bounds the product
                out.append({"target": f"{s} {op} simulator CPU <= 0.5 ms per action", "met": sim["median"] <= 0.5,
                            "ours": sim["median"], "theirs": 0.5})
    budget = by_key.get(("memory", "ours", "budget_mib"))
    for metric, label in (("peak_rss_mib", "peak RSS"), ("idle_rss_mib", "idle RSS"),
                          ("idle_after_rss_mib", "idle RSS after the archive")):
        rss = by_key.get(("memory", "ours", metric))
        if rss and budget:
            limit = budget["median"] + 64
            out.append({"target": f"{label} <= budget + 64 MiB", "met": rss["max"] <= limit,
                        "ours": rss["max"], "theirs": limit})
    return out


def table(figs, rats):
    by_key = {(f["scenario"], f["tool"], f["metric"]): f for f in figs}
    by_ratio = {(r["scenario"], r["metric"], r["peer"]): r["ratio"] for r in rats}
    lines = [f"{'scenario':<12} {'metric':<32} {'tool':<7} {'median':>10} {'min':>10} {'max':>10} {'n':>2}  "
             f"{'unit':<11} ours/peer"]
    lines.append("-" * len(lines[0]))
    last = None
    for f in figs:
        key = (f["scenario"], f["metric"])
        if last is not None and key[0] != last[0]:
            lines.append("")
        last = key
        ratio = by_ratio.get((f["scenario"], f["metric"], f["tool"]))
        lines.append(f"{f['scenario']:<12} {f['metric']:<32} {f['tool']:<7} {f['median']:>10.2f} {f['min']:>10.2f} "
                     f"{f['max']:>10.2f} {len(f['runs']):>2}  {f['unit']:<11} "
                     + (f"{ratio:.2f}x" if ratio is not None else ""))
    return "\n".join(lines)


def summary(rats, tgts, figs=()):
    """One line: per scenario and peer, the ratios ours/peer of throughput and CPU per GiB, then memory."""
    by = {}
    for r in rats:
        if r["scenario"] == "jobs":
            continue  # its own part below: what its targets judge
        if r["scenario"] in ("small", "posix-small") and r["metric"].endswith("_mib_s"):
            continue  # files/s says it for the small files
        if r["metric"].endswith("_cpu_ms_per_file"):
            continue  # the same ratio as CPU per GiB: every tool of a scenario moves the same files
        name = (r["metric"].replace("_cpu_s_per_gib", " cpu/GiB").replace("_mib_s", "").replace("_files_s", " files/s"))
        by.setdefault((r["scenario"], r["peer"]), []).append(f"{name} {r['ratio']:.2f}")
    parts = [f"{s}/{p} " + ", ".join(v) for (s, p), v in by.items()]
    rss = [t for t in tgts if t["target"].startswith("peak RSS")]
    if rss:
        parts.append(f"memory peak RSS {rss[0]['ours']:.0f} MiB (limit {rss[0]['theirs']:.0f})")
    by_key = {(f["scenario"], f["tool"], f["metric"]): f for f in figs}
    check, deep = by_key.get(("check", "ours", "check_files_s")), by_key.get(("check", "ours", "deep_mib_s"))
    if check:
        parts.append(f"check {check['median']:.0f} files/s" + (f", --deep {deep['median']:.1f} MiB/s" if deep else ""))
    jobs = [f"{op} {r['ratio']:.2f}x lfs {lfs}" for op, lfs in (("export", "hsm_archive"), ("prefetch", "hsm_restore"))
            for r in rats if (r["scenario"], r["metric"], r["peer"]) == ("jobs", f"{op}_files_s", "lfs")]
    imp = by_key.get(("jobs", "ours", "import_stubs_s"))
    if imp:
        jobs.append(f"import {imp['median']:.0f} stubs/s")
    if jobs:
        parts.append("jobs " + ", ".join(jobs))
    met = sum(1 for t in tgts if t["met"])
    return f"summary ours/peer: {'; '.join(parts)}; targets met {met}/{len(tgts)}"


# The scaling charts (bench's scale-* scenarios): title, x axis, panels of (metrics, y axis label), and how x is
# shown. Each is written as CHART.png beside table.txt.
CHARTS = {
    "scale-inflight": {"title": "Small files: files/s against actions in flight (ours, azure backend)",
                       "x": "actions in flight (coordinator max_requests = pipeline.max_actions_in_flight)",
                       "log": 2, "panels": [(("archive_files_s", "restore_files_s"), "files/s")]},
    "scale-size": {"title": "Throughput against file size", "x": "file size", "log": 2, "size_ticks": True,
                   "panels": [(("archive_mib_s", "restore_mib_s"), "MiB/s")]},
    "scale-import": {"title": "copytool import against container size", "x": "blobs in the container", "log": 10,
                     "panels": [(("stubs_s",), "stubs/s"), (("peak_rss_mib",), "peak RSS of the import (MiB)")]},
    "scale-latency": {"title": "Restore latency (read of a released file, whole) against concurrent readers",
                      "x": "concurrent readers", "log": 2,
                      "panels": [(("p50_ms", "p90_ms", "p99_ms"), "latency (ms)")]},
}


def load_scaling(runs):
    """The samples of scaling points (scenario CHART@X) as {chart: [point]}, each point the median of its runs."""
    points = {}
    for (scenario, tool, metric), values in runs.items():
        if "@" in scenario:
            chart, x = scenario.split("@")
            points[(chart, tool, metric, float(x))] = values
    out = {}
    for (chart, tool, metric, x), values in sorted(points.items()):
        out.setdefault(chart, []).append({"tool": tool, "metric": metric, "x": x,
                                          "median": round(statistics.median(values), 4), "runs": values})
    return out


def size_label(kib):
    return f"{kib / 1048576:g} GiB" if kib >= 1048576 else f"{kib / 1024:g} MiB" if kib >= 1024 else f"{kib:g} KiB"


def draw(results, scaling):
    """One PNG per chart with data; returns (file names, why none were drawn or None)."""
    if not scaling:
        return [], None
    try:
        import matplotlib
        matplotlib.use("Agg")  # files only, no display
        import matplotlib.pyplot as plt
    except ImportError:
        return [], "matplotlib is not installed (Debian: apt-get install python3-matplotlib); data in results.json"
    names = []
    for chart, points in scaling.items():
        spec = CHARTS.get(chart)
        if spec is None:
            continue
        panels = spec["panels"]
        fig, axes = plt.subplots(1, len(panels), figsize=(6.5 * len(panels), 4.5), squeeze=False)
        for ax, (metrics, ylabel) in zip(axes[0], panels):
            for tool in sorted({p["tool"] for p in points}, key=lambda t: (t != "ours", t)):
                for metric in metrics:
                    line = sorted((p["x"], p["median"]) for p in points if p["tool"] == tool and p["metric"] == metric)
                    if not line:
                        continue
                    label = metric.replace("_files_s", "").replace("_mib_s", "").replace("_ms", "").replace("_", " ")
                    label = tool if len(metrics) == 1 else f"{tool} {label}"
                    style = "--" if metric.startswith("restore") else "-"
                    ax.plot([x for x, _ in line], [y for _, y in line], style, marker="o", label=label)
            ax.set_xscale("log", base=spec["log"])
            xs = sorted({p["x"] for p in points})
            ax.set_xticks(xs)
            ax.set_xticklabels([size_label(x) if spec.get("size_ticks") else f"{x:g}" for x in xs],
                               rotation=30 if len(xs) > 4 else 0)
            ax.minorticks_off()
            ax.set_xlabel(spec["x"])
            ax.set_ylabel(ylabel)
            top = max((p["median"] for p in points if p["metric"] in metrics), default=0)
            ax.set_ylim(0, top * 1.12 or 1)  # from zero, with room above the highest point
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize="small")
        fig.suptitle(spec["title"])
        fig.tight_layout()
        name = f"{chart}.png"
        fig.savefig(results / name, dpi=110)
        plt.close(fig)
        names.append(name)
    return names, None


def scaling_table(scaling):
    """The charted figures of each point (results.json has every figure)."""
    lines = []
    for chart, points in scaling.items():
        charted = {m for metrics, _ in CHARTS.get(chart, {}).get("panels", []) for m in metrics}
        lines.append(f"{chart}:")
        for p in sorted(points, key=lambda p: (p["metric"], p["tool"] != "ours", p["tool"], p["x"])):
            if p["metric"] not in charted:
                continue
            x = size_label(p["x"]) if CHARTS.get(chart, {}).get("size_ticks") else f"{p['x']:g}"
            lines.append(f"  {p['tool']:<7} {p['metric']:<18} x={x:<10} {p['median']:>10.2f}  (n={len(p['runs'])})")
    return "\n".join(lines)


def main():
    results = Path(sys.argv[1])
    params = json.loads((results / "params.json").read_text()) if (results / "params.json").exists() else {}
    runs = load(results)
    figs = figures(runs)
    rats = ratios(figs)
    tgts = targets(figs, rats)
    scaling = load_scaling(runs)
    charts, why_not = draw(results, scaling)
    doc = {"params": params, "figures": figs, "ratios": rats, "targets": tgts, "scaling": scaling, "charts": charts,
           "profiled": (results / "profile" / "summary.txt").exists()}
    (results / "results.json").write_text(json.dumps(doc, indent=1) + "\n")
    text = table(figs, rats)
    if (results / "profile" / "summary.txt").exists():  # test-cluster/bench --profile
        text = ("Figures taken under profiling (--profile: perf at 499 Hz on every process of each measured\n"
                "window, JFR in the agent and simulator JVMs). Profiling costs CPU: perf a few per cent, JFR more\n"
                "(its share is the \"libjvm: JFR\" group, a tenth of the agent's CPU with small files on a loaded\n"
                "2-core VM). Where each process's CPU went: profile/summary.txt, and per window\n"
                "profile/<scenario>-<tool>-<op>-rN.txt.\n\n") + text
    if scaling:
        text += "\n\nscaling (medians; charts: " + (", ".join(charts) or f"none, {why_not}") + "):\n"
        text += scaling_table(scaling)
    text += "\n\ntargets:\n" + "\n".join(
        f"  [{'met' if t['met'] else 'MISSED'}] {t['target']}: ours {t['ours']:.2f}, "
        + (f"peer {t['theirs']:.2f}, ratio {t['ratio']:.2f}" if "ratio" in t else f"limit {t['theirs']:g}")
        for t in tgts)
    (results / "table.txt").write_text(text + "\n")
    print(text)
    print(f"\nresults: {results / 'results.json'}")
    print(summary(rats, tgts, figs))


if __name__ == "__main__":
    main()
