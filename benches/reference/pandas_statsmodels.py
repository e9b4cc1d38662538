#!/usr/bin/env python3
"""Reference pipeline: the analyst's monthly ranking job in pandas + statsmodels.

    python pandas_statsmodels.py DATA_DIR OUT_CSV

Reads injuries.csv, claims.csv, exposure.csv and departments.csv of DATA_DIR,
drops the rows a careful analyst would not trust (vectorised; counts per file and
reason are printed), builds the department x month panel (recordable injuries,
incurred cost by injury month, hours worked), fits a Poisson GLM on the last 36
months, predicts the next 12 months and writes a ranking CSV with the columns
department,rank,predicted_recordable,predicted_rate,trailing12_trir,incurred_12m.

What it does not catch, like most pandas jobs: the C parser reads a stray quote as
text (`Main "Street" yard`) or drops it (`"L"APD` reads LAPD), fills a short row's
last columns with NaN, and with usecols ignores a row's extra fields; such rows are
dropped only when a required field ends up missing or wrong.

Prints one line per phase with its wall seconds (`import`, `read`, `validate`,
`aggregate`, `fit`, `predict+write`) and `total` (from process start, imports
included). Only the benchmark's reference runs use this; the tests never do.
"""
import time

T0 = time.perf_counter()

import os  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import statsmodels.api as sm  # noqa: E402
import statsmodels.formula.api as smf  # noqa: E402

RECORDABLE = ["death", "days_away", "restricted", "other_recordable"]
OSHA_CLASSES = RECORDABLE + ["first_aid", "near_miss"]
STATUSES = ["open", "closed", "reopened"]
MONEY = ["paid_medical", "paid_indemnity", "paid_expense", "reserve"]
EARLIEST_YEAR = 1980
MAX_HOURS_PER_HEAD = 744.0
FIT_MONTHS = 36
HORIZON = 12
TRAILING = 12
PER_HOURS = 200_000.0

INJURY_COLS = ["case_id", "department", "event_date", "osha_class", "days_away", "days_restricted"]
CLAIM_COLS = [
    "claim_id", "department", "injury_date", "reported_date", "valuation_date",
    "status", "closed_date", *MONEY, "litigated",
]
EXPOSURE_COLS = ["department", "month", "hours_worked", "headcount", "payroll"]

# Reasons in the order they are checked: a row counts under the first that fails.
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

def read_csv(path, usecols, dtype):
    """pd.read_csv with the C parser, reading only the columns the job uses (the
    personal ones, employee_id and description, are never loaded)."""
    return pd.read_csv(
        path,
        usecols=usecols,
        dtype=dtype,
        low_memory=False,
        # Only an empty cell is missing (no "NA"/"null" guessing: "NA" may be a code),
        # and leading spaces are dropped, so a cell of spaces reads as empty.
        keep_default_na=False,
        na_values=[""],
        skipinitialspace=True,
    )


def read_all(data_dir):
    p = lambda name: os.path.join(data_dir, name)  # noqa: E731
    departments = pd.read_csv(p("departments.csv"), dtype="str", keep_default_na=False,
                              na_values=[""], skipinitialspace=True)
    # Numbers are left to the parser's own inference (float64 when every cell is a
    # number); a column with junk comes back as strings and is coerced in validate.
    injuries = read_csv(
        p("injuries.csv"), INJURY_COLS,
        {"case_id": "str", "department": "category", "event_date": "str",
         "osha_class": "category"},
    )
    claims = read_csv(
        p("claims.csv"), CLAIM_COLS,
        {"claim_id": "str", "department": "category", "injury_date": "str",
         "reported_date": "str", "valuation_date": "str", "closed_date": "str",
         "status": "category", "litigated": "category"},
    )
    exposure = read_csv(
        p("exposure.csv"), EXPOSURE_COLS,
        {"department": "category", "month": "str"},
    )
    return departments, injuries, claims, exposure


# ----------------------------------------------------------------------- validate

def blank(s):
    """Missing or only spaces (categorical: checked once per category)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats_blank = pd.Series(s.cat.categories).astype(str).str.strip().eq("").to_numpy()
        codes = s.cat.codes.to_numpy()
        return pd.Series((codes < 0) | cats_blank[np.maximum(codes, 0)], index=s.index)
    # read_csv(skipinitialspace=True, na_values=[""]) has made blank cells NaN.
    return s.isna()


def map_categories(s, fn, categories=None):
    """Apply fn to each distinct value of a categorical column (not to each row);
    the result is categorical again (with `categories` when given)."""
    mapped = s.map({c: fn(c) for c in s.cat.categories})
    return pd.Series(pd.Categorical(mapped, categories=categories), index=s.index)


def to_number(s):
    """(value, unparsable): numbers as float64; text that is not a number is flagged."""
    if pd.api.types.is_numeric_dtype(s.dtype):
        return s.astype("float64"), pd.Series(False, index=s.index)
    v = pd.to_numeric(s, errors="coerce")
    return v.astype("float64"), v.isna() & ~blank(s)


def to_date(s, fmt="%Y-%m-%d"):
    """(date, unparsable)."""
    d = pd.to_datetime(s, format=fmt, errors="coerce")
    return d, d.isna() & ~blank(s)


def department_lookup(departments):
    """Codes are trimmed; a code not listed exactly matches when exactly one listed
    code equals it ignoring letter case."""
    codes = departments["department"].str.strip().tolist()
    by_upper = {}
    for c in codes:
        by_upper.setdefault(c.upper(), []).append(c)
    code_set = set(codes)

    def resolve(raw):
        c = str(raw).strip()
        if c in code_set:
            return c
        hits = by_upper.get(c.upper(), [])
        return hits[0] if len(hits) == 1 else None

    resolve.codes = sorted(code_set)
    return resolve


def norm_enum(values):
    allowed = {v.replace("_", ""): v for v in values}

    def fn(raw):
        key = str(raw).strip().lower().replace(" ", "").replace("-", "").replace("_", "")
        return allowed.get(key)

    return fn


def first_reason(checks, n):
    """checks: reason -> bool mask. Returns (keep mask, counts per reason)."""
    masks = [checks[r].to_numpy() if r in checks else np.zeros(n, bool) for r in REASONS]
    stacked = np.vstack(masks)
    bad = stacked.any(axis=0)
    first = np.argmax(stacked, axis=0)[bad]
    counts = {REASONS[i]: int(c) for i, c in zip(*np.unique(first, return_counts=True))}
    return ~bad, counts


def with_duplicates(checks, ids, n):
    """Duplicate ids, in file order, among the rows that passed everything else."""
    ok_so_far = ~np.vstack([m.to_numpy() for m in checks.values()]).any(axis=0)
    dup = np.zeros(n, bool)
    dup[ok_so_far] = ids[ok_so_far].duplicated(keep="first").to_numpy()
    checks["duplicate_id"] = pd.Series(dup, index=ids.index)


def validate_exposure(exposure, resolve):
    n = len(exposure)
    dept = map_categories(exposure["department"], resolve, resolve.codes)
    month, month_bad = to_date(exposure["month"], "%Y-%m")
    hours, hours_bad = to_number(exposure["hours_worked"])
    head, head_bad = to_number(exposure["headcount"])
    payroll, payroll_bad = to_number(exposure["payroll"])
    checks = {
        "missing_value": blank(exposure["department"]) | blank(exposure["month"])
        | blank(exposure["hours_worked"]),
        "unparsable_value": month_bad | hours_bad | head_bad | payroll_bad,
        "out_of_range": (hours <= 0) | (head < 0) | (payroll < 0)
        | (month.dt.year < EARLIEST_YEAR)
        | ((head > 0) & (hours / head > MAX_HOURS_PER_HEAD)),
    }
    checks["unknown_department"] = dept.isna() & ~checks["missing_value"]
    # The data's last month: the latest month that at least half the departments
    # report hours for, so that one mistyped month (2065-12) cannot move it.
    ok = ~np.vstack([m.to_numpy() for m in checks.values()]).any(axis=0)
    per_month = pd.DataFrame({"d": dept[ok], "m": month[ok]}).drop_duplicates()
    counts = per_month.groupby("m").size()
    n_depts = per_month["d"].nunique()
    full = counts[counts * 2 >= n_depts]
    end_month = (full.index.max() if len(full) else counts.index.max())
    checks["future_date"] = month > end_month
    with_duplicates(checks, pd.DataFrame({"department": dept, "month": month}), n)
    keep, reasons = first_reason(checks, n)
    out = pd.DataFrame({"department": dept[keep], "month": month[keep],
                        "hours": hours[keep]})
    return out, reasons, end_month


def validate_injuries(injuries, resolve, end_date):
    n = len(injuries)
    dept = map_categories(injuries["department"], resolve, resolve.codes)
    osha = map_categories(injuries["osha_class"], norm_enum(OSHA_CLASSES))
    date, date_bad = to_date(injuries["event_date"])
    days_away, away_bad = to_number(injuries["days_away"])
    days_restr, restr_bad = to_number(injuries["days_restricted"])
    missing = (blank(injuries["case_id"]) | blank(injuries["department"])
               | blank(injuries["event_date"]) | blank(injuries["osha_class"]))
    checks = {
        "missing_value": missing,
        "unknown_department": dept.isna() & ~missing,
        "unparsable_value": date_bad | away_bad | restr_bad
        | (days_away % 1 > 0) | (days_restr % 1 > 0),
        "unknown_enum": osha.isna() & ~missing,
        "out_of_range": (days_away < 0) | (days_restr < 0) | (date.dt.year < EARLIEST_YEAR),
        "future_date": date > end_date,
    }
    with_duplicates(checks, injuries["case_id"], n)
    keep, reasons = first_reason(checks, n)
    out = pd.DataFrame({"department": dept[keep], "date": date[keep],
                        "osha_class": osha[keep]})
    return out, reasons


def validate_claims(claims, resolve, end_date):
    n = len(claims)
    dept = map_categories(claims["department"], resolve, resolve.codes)
    status = map_categories(claims["status"], norm_enum(STATUSES))
    litigated = map_categories(claims["litigated"], norm_enum(["true", "false"]))
    injury, injury_bad = to_date(claims["injury_date"])
    reported, reported_bad = to_date(claims["reported_date"])
    valuation, valuation_bad = to_date(claims["valuation_date"])
    closed, closed_bad = to_date(claims["closed_date"])
    money = {}
    money_bad = pd.Series(False, index=claims.index)
    money_neg = pd.Series(False, index=claims.index)
    for c in MONEY:
        v, bad = to_number(claims[c])
        money[c] = v.fillna(0.0)
        money_bad |= bad
        money_neg |= v < 0
    missing = (blank(claims["claim_id"]) | blank(claims["department"])
               | blank(claims["injury_date"]) | blank(claims["status"]))
    checks = {
        "missing_value": missing,
        "unknown_department": dept.isna() & ~missing,
        "unparsable_value": injury_bad | reported_bad | valuation_bad | closed_bad | money_bad
        | (litigated.isna() & ~blank(claims["litigated"])),
        "unknown_enum": status.isna() & ~missing,
        "out_of_range": money_neg | (injury.dt.year < EARLIEST_YEAR)
        | (closed < injury) | (valuation < injury),
        "future_date": (injury > end_date) | (reported > end_date) | (closed > end_date),
        "reported_before_injury": reported < injury,
        "closed_without_date": status.eq("closed") & closed.isna(),
    }
    with_duplicates(checks, claims["claim_id"], n)
    keep, reasons = first_reason(checks, n)
    incurred = money["paid_medical"] + money["paid_indemnity"] + money["paid_expense"] + money["reserve"]
    out = pd.DataFrame({"department": dept[keep], "date": injury[keep],
                        "incurred": incurred[keep]})
    return out, reasons


def validate_all(departments, injuries, claims, exposure):
    dep_missing = blank(departments["department"]) | blank(departments["name"])
    dep_dup = departments["department"].str.strip().duplicated() & ~dep_missing
    dep_dropped = int((dep_missing | dep_dup).sum())
    departments = departments[~(dep_missing | dep_dup)].assign(
        department=lambda d: d["department"].str.strip())
    resolve = department_lookup(departments)

    exp, exp_reasons, end_month = validate_exposure(exposure, resolve)
    end_date = end_month + pd.offsets.MonthEnd(0)
    inj, inj_reasons = validate_injuries(injuries, resolve, end_date)
    clm, clm_reasons = validate_claims(claims, resolve, end_date)

    print(f"data end {end_month:%Y-%m}")
    print(f"dropped departments.csv {dep_dropped} of {len(departments) + dep_dropped}")
    for name, df, reasons in [("injuries.csv", injuries, inj_reasons),
                              ("claims.csv", claims, clm_reasons),
                              ("exposure.csv", exposure, exp_reasons)]:
        total = sum(reasons.values())
        detail = " ".join(f"{k}={v}" for k, v in sorted(reasons.items()))
        print(f"dropped {name} {total} of {len(df)}" + (f" ({detail})" if detail else ""))
    return departments, inj, clm, exp, end_month


# ---------------------------------------------------------------------- aggregate

def month_index(dates):
    """Months since 1970-01 (int64) of a datetime64 column."""
    return dates.to_numpy().astype("datetime64[M]").astype("int64")


def aggregate(departments, inj, clm, exp, end_month):
    inj_m = month_index(inj["date"])
    clm_m = month_index(clm["date"])
    exp_m = month_index(exp["month"])
    end_m = int(np.datetime64(end_month, "M").astype("int64"))
    start_m = int(min(inj_m.min(initial=end_m), clm_m.min(initial=end_m), exp_m.min(initial=end_m)))

    is_rec = inj["osha_class"].isin(RECORDABLE).to_numpy()
    recordable = (pd.DataFrame({"department": inj["department"].to_numpy()[is_rec], "m": inj_m[is_rec]})
                  .groupby(["department", "m"], observed=True).size())
    incurred = (clm.assign(m=clm_m).groupby(["department", "m"], observed=True)["incurred"].sum())
    hours = exp.assign(m=exp_m).groupby(["department", "m"], observed=True)["hours"].sum()

    depts = sorted(departments["department"])
    full = pd.MultiIndex.from_product([depts, np.arange(start_m, end_m + 1)], names=["department", "m"])
    panel = pd.DataFrame(index=full)
    panel["recordable"] = recordable.reindex(full, fill_value=0).astype("int64")
    panel["incurred"] = incurred.reindex(full, fill_value=0.0)
    panel["hours"] = hours.reindex(full)
    panel = panel.reset_index()
    panel["t"] = panel["m"] - start_m
    panel["month_of_year"] = panel["m"] % 12 + 1
    return panel, start_m, end_m


# ---------------------------------------------------------------------------- fit

def fit(panel, end_m):
    data = panel[(panel["m"] > end_m - FIT_MONTHS) & (panel["hours"] > 0)].copy()
    model = smf.glm("recordable ~ C(department) + C(month_of_year) + t", data,
                    family=sm.families.Poisson(), offset=np.log(data["hours"]))
    return model.fit()


# ------------------------------------------------------------------ predict+write

def predict_and_write(result, panel, start_m, end_m, out_csv):
    last = panel[panel["m"] > end_m - TRAILING]
    with_hours = last[last["hours"] > 0]
    per_dept = with_hours.groupby("department").agg(
        hours_mean=("hours", "mean"), hours_12=("hours", "sum"), rec_12=("recordable", "sum"))
    incurred_12m = last.groupby("department")["incurred"].sum()
    fitted_depts = set(result.model.data.frame["department"])
    depts = [d for d in per_dept.index if d in fitted_depts]

    future_m = np.arange(end_m + 1, end_m + HORIZON + 1)
    grid = pd.MultiIndex.from_product([depts, future_m], names=["department", "m"]).to_frame(index=False)
    grid["t"] = grid["m"] - start_m
    grid["month_of_year"] = grid["m"] % 12 + 1
    grid["hours"] = grid["department"].map(per_dept["hours_mean"])
    grid["pred"] = np.asarray(result.predict(grid, offset=np.log(grid["hours"])))

    out = pd.DataFrame(index=pd.Index(sorted(per_dept.index.union(incurred_12m.index)), name="department"))
    out["predicted_recordable"] = grid.groupby("department")["pred"].sum()
    out["predicted_rate"] = out["predicted_recordable"] * PER_HOURS / (HORIZON * per_dept["hours_mean"])
    out["trailing12_trir"] = per_dept["rec_12"] * PER_HOURS / per_dept["hours_12"]
    out["incurred_12m"] = incurred_12m.reindex(out.index).fillna(0.0)
    out = out.reset_index().sort_values(["predicted_rate", "department"], ascending=[False, True],
                                        na_position="last", kind="mergesort")
    out.insert(1, "rank", np.arange(1, len(out) + 1))
    out = out.round({"predicted_recordable": 4, "predicted_rate": 4, "trailing12_trir": 4,
                     "incurred_12m": 2})
    out.to_csv(out_csv, index=False)
    return out


def main(argv):
    if len(argv) != 3:
        print("usage: pandas_statsmodels.py DATA_DIR OUT_CSV", file=sys.stderr)
        return 2
    data_dir, out_csv = argv[1], argv[2]
    phases = Phases()
    phases.done("import")

    departments, injuries, claims, exposure = read_all(data_dir)
    phases.done("read")

    departments, inj, clm, exp, end_month = validate_all(departments, injuries, claims, exposure)
    del injuries, claims, exposure
    phases.done("validate")

    panel, start_m, end_m = aggregate(departments, inj, clm, exp, end_month)
    phases.done("aggregate")
    print(f"panel rows={len(panel)} recordable={panel['recordable'].sum()} "
          f"incurred={panel['incurred'].sum():.2f} hours={panel['hours'].sum():.1f}")

    result = fit(panel, end_m)
    phases.done("fit")

    predict_and_write(result, panel, start_m, end_m, out_csv)
    phases.done("predict+write")

    print(f"total {time.perf_counter() - T0:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
