#!/usr/bin/env python3
"""Reference pipeline: Polars read + validate + department x month group-by (no model).

    python polars_groupby.py DATA_DIR [--lazy]

The same reading, the same validation (as expressions) and the same department x
month aggregation as pandas_statsmodels.py: recordable injuries, incurred cost by
injury month, hours worked. Prints the rows dropped per file and reason, a panel
summary (to compare with the pandas script's), and one line per phase with its
wall seconds (`import`, `read`, `validate`, `aggregate`) and `total` (from process
start, imports included).

Eager by default (measured faster on the 2-core reference machine, and it gives
per-phase times). `--lazy` runs each file as one lazy query instead (scan_csv,
validate, aggregate in a single collect) and prints `scan+validate+aggregate`.

Only the needed columns are read (as in the pandas script's usecols), all as text,
and parsed in the validation. A file that Polars' CSV reader refuses (a quote opening
a field and text after its close, such as `"L"APD`) is read with Python's csv module
instead, the way pandas reads it (`LAPD`); a note says so. The clean large data never
needs it.

Only the benchmark's reference runs use this; the tests never do.
"""
import time

T0 = time.perf_counter()

import csv  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import polars as pl  # noqa: E402

RECORDABLE = ["death", "days_away", "restricted", "other_recordable"]
OSHA_CLASSES = RECORDABLE + ["first_aid", "near_miss"]
STATUSES = ["open", "closed", "reopened"]
MONEY = ["paid_medical", "paid_indemnity", "paid_expense", "reserve"]
EARLIEST_YEAR = 1980
MAX_HOURS_PER_HEAD = 744.0

INJURY_COLS = ["case_id", "department", "event_date", "osha_class", "days_away", "days_restricted"]
CLAIM_COLS = [
    "claim_id", "department", "injury_date", "reported_date", "valuation_date",
    "status", "closed_date", *MONEY, "litigated",
]
EXPOSURE_COLS = ["department", "month", "hours_worked", "headcount", "payroll"]

REASONS = [
    "missing_value", "unknown_department", "unparsable_value", "unknown_enum",
    "out_of_range", "future_date", "reported_before_injury", "closed_without_date",
    "duplicate_id",
]


class Phases:
    def __init__(self):
        self.last = T0

    def done(self, name):
        now = time.perf_counter()
        print(f"{name} {now - self.last:.2f}", flush=True)
        self.last = now


# --------------------------------------------------------------------------- read

def read_with_csv_module(path, columns):
    """Fallback for a file Polars' reader refuses; reads it as pandas' C parser does
    with usecols: a quote opening a field is taken off (`"L"APD` reads LAPD), a short
    row gets nulls, and the fields after the header's last column are ignored."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows)
        idx = [header.index(c) for c in columns]
        data = {c: [] for c in columns}
        for row in rows:
            if not row:
                continue
            for c, i in zip(columns, idx):
                v = row[i] if i < len(row) else ""
                data[c].append(v if v != "" else None)
    return pl.DataFrame(data, schema={c: pl.String for c in columns})


def read_file(path, columns):
    """A frame of the needed columns, all String."""
    try:
        return pl.read_csv(path, columns=columns, infer_schema=False)
    except pl.exceptions.PolarsError as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        print(f"note: polars could not read {os.path.basename(path)} ({first}); "
              "read with Python's csv module", flush=True)
        return read_with_csv_module(path, columns)


def scan_file(path, columns):
    return pl.scan_csv(path, infer_schema=False).select(columns)


# ----------------------------------------------------------------------- validate
#
# In stages, so that each cell is cleaned and parsed once: (1) the text columns with
# leading spaces dropped and empty cells as null (as pandas' read_csv(
# skipinitialspace=True, na_values=[""]) gives them), (2) the parsed values, (3) one
# boolean column per check, (4) the first failing check's name in `reason`, (5)
# duplicate ids among the rows that passed everything else.

def clean(cols, frame=None):
    """Stage (1). With the eager frame at hand, a column that has no empty cell and no
    cell starting with a space is left as it is (the same result, without a copy)."""
    out = []
    for c in cols:
        if frame is not None and not frame.select(
                (pl.col(c).str.starts_with(" ") | (pl.col(c).str.len_bytes() == 0)).any()).item():
            continue
        s = pl.col(c).str.strip_chars_start()
        out.append(pl.when(s.str.len_bytes() > 0).then(s).alias(c))
    return out


def uniques(frame, c):
    """The distinct texts of a column (as stage (1) leaves them), or None when lazy."""
    if frame is None:
        return None
    return frame.select(pl.col(c).str.strip_chars_start().unique().drop_nulls()).to_series().to_list()


def number(c):
    return pl.col(c).cast(pl.Float64, strict=False)


def date(c, fmt="%Y-%m-%d"):
    return pl.col(c).str.to_date(fmt, strict=False)


def unparsed(raw, parsed):
    """A cell that has text but did not parse."""
    return pl.col(raw).is_not_null() & pl.col(parsed).is_null()


def missing(*cols):
    return pl.any_horizontal([pl.col(c).is_null() for c in cols])


def any_of(*exprs):
    """Comparisons with a null (a value not given) count as passing."""
    return pl.any_horizontal([x.fill_null(False) for x in exprs])


def fold(text):
    return text.strip().lower().replace(" ", "").replace("-", "").replace("_", "")


def enum(c, values, distinct=None):
    """The canonical spelling (ignoring case, spaces, hyphens, underscores) or null.
    With the column's distinct texts known, each is resolved once, not each row."""
    mapping = {fold(v): v for v in values}
    if distinct is not None:
        resolved = {u: mapping.get(fold(u)) for u in distinct}
        return pl.col(c).replace_strict(list(resolved), list(resolved.values()), default=None,
                                        return_dtype=pl.String)
    exact = pl.col(c).cast(pl.Enum(values), strict=False).cast(pl.String)
    key = pl.col(c).str.to_lowercase().str.replace_all(r"[ _\-]", "")
    folded = key.replace_strict(list(mapping), list(mapping.values()), default=None,
                                return_dtype=pl.String)
    return pl.coalesce(exact, folded)


def department_expr(departments, distinct=None):
    """Trimmed code; matched exactly, else ignoring letter case when one code fits."""
    codes = sorted(set(departments["department"].to_list()))
    by_upper = {}
    for c in codes:
        by_upper.setdefault(c.upper(), []).append(c)
    upper = {k: v[0] for k, v in by_upper.items() if len(v) == 1}
    dtype = pl.Enum(codes)
    if distinct is not None:
        code_set = set(codes)
        resolved = {}
        for u in distinct:
            t = u.strip()
            resolved[u] = t if t in code_set else upper.get(t.upper())
        return pl.col("department").replace_strict(list(resolved), list(resolved.values()),
                                                   default=None, return_dtype=dtype)
    exact = pl.col("department").cast(dtype, strict=False)
    folded = (pl.col("department").str.strip_chars().str.to_uppercase()
              .replace_strict(list(upper), list(upper.values()), default=None,
                              return_dtype=pl.String)
              .cast(dtype))
    return pl.coalesce(exact, folded)


def with_reason(lf, checks, id_cols):
    """Stages (3) to (5): adds `reason` (null for a kept row)."""
    names = [r for r in REASONS if r in checks]
    lf = lf.with_columns([checks[r].alias(f"_{r}") for r in names])
    chain = None
    for r in names:
        cond = pl.col(f"_{r}")
        chain = pl.when(cond).then(pl.lit(r)) if chain is None else chain.when(cond).then(pl.lit(r))
    lf = lf.with_columns(reason=chain.otherwise(None))
    ok = pl.col("reason").is_null()
    key = pl.struct(id_cols) if len(id_cols) > 1 else pl.col(id_cols[0])
    dup = ok & ~pl.when(ok).then(key).is_first_distinct()
    return lf.with_columns(reason=pl.when(dup).then(pl.lit("duplicate_id")).otherwise("reason"))


def parse_exposure(lf, departments, frame=None):
    return (lf.with_columns(clean(EXPOSURE_COLS, frame))
            .with_columns(dept=department_expr(departments, uniques(frame, "department")),
                          m=(pl.col("month") + "-01").str.to_date("%Y-%m-%d", strict=False),
                          hours=number("hours_worked"), head=number("headcount"),
                          pay=number("payroll")))


def exposure_checks():
    hours, head = pl.col("hours"), pl.col("head")
    return {
        "missing_value": missing("department", "month", "hours_worked"),
        "unknown_department": pl.col("dept").is_null() & pl.col("department").is_not_null(),
        "unparsable_value": unparsed("month", "m") | unparsed("hours_worked", "hours")
        | unparsed("headcount", "head") | unparsed("payroll", "pay"),
        "out_of_range": any_of(hours <= 0, head < 0, pl.col("pay") < 0,
                               pl.col("m").dt.year() < EARLIEST_YEAR,
                               (head > 0) & (hours / head > MAX_HOURS_PER_HEAD)),
    }


def validate_exposure(lf, departments, frame=None):
    parsed = parse_exposure(lf, departments, frame).collect()
    checks = exposure_checks()
    pre = with_reason(parsed.lazy(), checks, ["dept", "m"]).collect()
    # The data's last month: the latest month that at least half the departments report.
    ok = pre.filter(pl.col("reason").is_null()).select("dept", "m").unique()
    n_depts = ok["dept"].n_unique()
    per_month = ok.group_by("m").len()
    full = per_month.filter(pl.col("len") * 2 >= n_depts)
    end_month = (full if full.height else per_month)["m"].max()
    checks["future_date"] = pl.col("m") > pl.lit(end_month)
    out = with_reason(parsed.lazy(), checks, ["dept", "m"])
    return out.select("dept", "m", "hours", "reason"), end_month


def validate_injuries(lf, departments, end_date, frame=None):
    lf = (lf.with_columns(clean(INJURY_COLS, frame))
          .with_columns(dept=department_expr(departments, uniques(frame, "department")),
                        osha=enum("osha_class", OSHA_CLASSES, uniques(frame, "osha_class")),
                        date=date("event_date"), away=number("days_away"),
                        restr=number("days_restricted")))
    away, restr, d = pl.col("away"), pl.col("restr"), pl.col("date")
    miss = missing("case_id", "department", "event_date", "osha_class")
    checks = {
        "missing_value": miss,
        "unknown_department": pl.col("dept").is_null() & pl.col("department").is_not_null(),
        "unparsable_value": unparsed("event_date", "date") | unparsed("days_away", "away")
        | unparsed("days_restricted", "restr") | any_of(away % 1 > 0, restr % 1 > 0),
        "unknown_enum": pl.col("osha").is_null() & pl.col("osha_class").is_not_null(),
        "out_of_range": any_of(away < 0, restr < 0, d.dt.year() < EARLIEST_YEAR),
        "future_date": any_of(d > pl.lit(end_date)),
    }
    return with_reason(lf, checks, ["case_id"]).select(
        "dept", "date", osha_class="osha", reason="reason")


def validate_claims(lf, departments, end_date, frame=None):
    money = [f"_{c}" for c in MONEY]
    lf = (lf.with_columns(clean(CLAIM_COLS, frame))
          .with_columns(dept=department_expr(departments, uniques(frame, "department")),
                        st=enum("status", STATUSES, uniques(frame, "status")),
                        lit_=enum("litigated", ["true", "false"], uniques(frame, "litigated")),
                        inj=date("injury_date"), rep=date("reported_date"),
                        val=date("valuation_date"), clo=date("closed_date"),
                        **{f"_{c}": number(c) for c in MONEY}))
    inj, rep, val, clo = pl.col("inj"), pl.col("rep"), pl.col("val"), pl.col("clo")
    end = pl.lit(end_date)
    checks = {
        "missing_value": missing("claim_id", "department", "injury_date", "status"),
        "unknown_department": pl.col("dept").is_null() & pl.col("department").is_not_null(),
        "unparsable_value": pl.any_horizontal(
            unparsed("injury_date", "inj"), unparsed("reported_date", "rep"),
            unparsed("valuation_date", "val"), unparsed("closed_date", "clo"),
            *[unparsed(c, f"_{c}") for c in MONEY], unparsed("litigated", "lit_")),
        "unknown_enum": pl.col("st").is_null() & pl.col("status").is_not_null(),
        "out_of_range": any_of(*[pl.col(m) < 0 for m in money], inj.dt.year() < EARLIEST_YEAR,
                               clo < inj, val < inj),
        "future_date": any_of(inj > end, rep > end, clo > end),
        "reported_before_injury": any_of(rep < inj),
        "closed_without_date": any_of((pl.col("st") == "closed") & clo.is_null()),
    }
    incurred = pl.sum_horizontal([pl.col(m).fill_null(0.0) for m in money])
    return with_reason(lf, checks, ["claim_id"]).select(
        "dept", date="inj", incurred=incurred, reason="reason")


def read_departments(data_dir):
    deps = pl.read_csv(os.path.join(data_dir, "departments.csv"), infer_schema=False)
    deps = deps.with_columns(clean(["department", "name"])).with_columns(
        pl.col("department").str.strip_chars())
    bad = missing("department", "name")
    deps = deps.with_columns(bad=bad).with_columns(
        bad=pl.col("bad") | pl.when(~pl.col("bad")).then(pl.col("department")).is_first_distinct().not_())
    dropped = deps["bad"].sum()
    return deps.filter(~pl.col("bad")).drop("bad"), dropped, deps.height


def report_drops(name, frame):
    counts = dict(frame.filter(pl.col("reason").is_not_null()).group_by("reason").len().iter_rows())
    total = sum(counts.values())
    detail = " ".join(f"{k}={v}" for k, v in sorted(counts.items()))
    print(f"dropped {name} {total} of {frame.height}" + (f" ({detail})" if detail else ""))


# ---------------------------------------------------------------------- aggregate

def month_no(e):
    """Months since 1970-01."""
    return (e.dt.year().cast(pl.Int64) - 1970) * 12 + e.dt.month().cast(pl.Int64) - 1


def aggregate(departments, inj, clm, exp, end_month):
    end_m = (end_month.year - 1970) * 12 + end_month.month - 1
    inj = inj.lazy().filter(pl.col("reason").is_null()).with_columns(m=month_no(pl.col("date")))
    clm = clm.lazy().filter(pl.col("reason").is_null()).with_columns(m=month_no(pl.col("date")))
    exp = exp.lazy().filter(pl.col("reason").is_null()).with_columns(m=month_no(pl.col("m")))
    starts = pl.concat([inj.select(pl.col("m").min()), clm.select(pl.col("m").min()),
                        exp.select(pl.col("m").min())]).collect()
    start_m = int(min([x for x in starts["m"].to_list() if x is not None] + [end_m]))

    recordable = (inj.filter(pl.col("osha_class").is_in(RECORDABLE))
                  .group_by("dept", "m").agg(recordable=pl.len()))
    incurred = clm.group_by("dept", "m").agg(incurred=pl.col("incurred").sum())
    hours = exp.group_by("dept", "m").agg(hours=pl.col("hours").sum())
    dtype = pl.Enum(sorted(departments["department"].to_list()))
    grid = (pl.LazyFrame({"dept": sorted(departments["department"].to_list())},
                         schema={"dept": dtype})
            .join(pl.LazyFrame({"m": list(range(start_m, end_m + 1))}, schema={"m": pl.Int64}),
                  how="cross"))
    panel = (grid.join(recordable, on=["dept", "m"], how="left")
             .join(incurred, on=["dept", "m"], how="left")
             .join(hours, on=["dept", "m"], how="left")
             .with_columns(pl.col("recordable").fill_null(0), pl.col("incurred").fill_null(0.0),
                           t=pl.col("m") - start_m, month_of_year=pl.col("m") % 12 + 1)
             .sort("dept", "m"))
    return pl.collect_all([panel, recordable.select(pl.len())])[0]


def summary(panel):
    s = panel.select(rows=pl.len(), recordable=pl.col("recordable").sum(),
                     incurred=pl.col("incurred").sum(), hours=pl.col("hours").sum()).row(0, named=True)
    print(f"panel rows={s['rows']} recordable={s['recordable']} "
          f"incurred={s['incurred']:.2f} hours={s['hours']:.1f}")


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    lazy = "--lazy" in argv[1:]
    if len(args) != 1:
        print("usage: polars_groupby.py DATA_DIR [--lazy]", file=sys.stderr)
        return 2
    data_dir = args[0]
    p = lambda name: os.path.join(data_dir, name)  # noqa: E731
    phases = Phases()
    phases.done("import")

    departments, dep_dropped, dep_rows = read_departments(data_dir)
    if lazy:
        exp_raw = read_file(p("exposure.csv"), EXPOSURE_COLS)  # small: eager
        exp_v, end_month = validate_exposure(exp_raw.lazy(), departments, exp_raw)
        end_date = pl.select(pl.lit(end_month).dt.month_end()).item()
        try:
            inj_v = validate_injuries(scan_file(p("injuries.csv"), INJURY_COLS), departments, end_date)
            clm_v = validate_claims(scan_file(p("claims.csv"), CLAIM_COLS), departments, end_date)
            exp, inj, clm = pl.collect_all([exp_v, inj_v, clm_v])
        except pl.exceptions.PolarsError:
            # A file the lazy reader refuses: read both eagerly (with the fallback).
            inj_raw = read_file(p("injuries.csv"), INJURY_COLS)
            clm_raw = read_file(p("claims.csv"), CLAIM_COLS)
            inj_v = validate_injuries(inj_raw.lazy(), departments, end_date, inj_raw)
            clm_v = validate_claims(clm_raw.lazy(), departments, end_date, clm_raw)
            exp, inj, clm = pl.collect_all([exp_v, inj_v, clm_v])
    else:
        inj_raw = read_file(p("injuries.csv"), INJURY_COLS)
        clm_raw = read_file(p("claims.csv"), CLAIM_COLS)
        exp_raw = read_file(p("exposure.csv"), EXPOSURE_COLS)
        phases.done("read")

        exp_v, end_month = validate_exposure(exp_raw.lazy(), departments, exp_raw)
        end_date = pl.select(pl.lit(end_month).dt.month_end()).item()
        inj_v = validate_injuries(inj_raw.lazy(), departments, end_date, inj_raw)
        clm_v = validate_claims(clm_raw.lazy(), departments, end_date, clm_raw)
        exp, inj, clm = pl.collect_all([exp_v, inj_v, clm_v])
        del inj_raw, clm_raw, exp_raw

    print(f"data end {end_month:%Y-%m}")
    print(f"dropped departments.csv {dep_dropped} of {dep_rows}")
    for name, df in [("injuries.csv", inj), ("claims.csv", clm), ("exposure.csv", exp)]:
        report_drops(name, df)
    if lazy:
        panel = aggregate(departments, inj, clm, exp, end_month)
        phases.done("scan+validate+aggregate")
    else:
        phases.done("validate")
        panel = aggregate(departments, inj, clm, exp, end_month)
        phases.done("aggregate")

    summary(panel)
    print(f"total {time.perf_counter() - T0:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
