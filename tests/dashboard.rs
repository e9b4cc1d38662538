//! The dashboard of `riskrank run` (`<month>/dashboard/`): one table row
//! per ranked department with ranking.csv's figures to the displayed
//! precision, a page per department with only its own figures, nothing
//! fetched from the network; and, in headless Chromium (skipped with a
//! notice where it is not installed), sorting, filtering, a department
//! link and a console without errors, with networking disabled.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::{riskrank, sample};

/// One run of the sample, shared by the tests: (tempdir, month folder).
fn month() -> &'static (tempfile::TempDir, PathBuf) {
    static RUN: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        riskrank().arg("run").arg("--data").arg(sample()).arg("--out").arg(&out).assert().success();
        let month = common::month_folder(&out);
        (dir, month)
    })
}

fn ranking(month: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(month.join("ranking.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    assert_eq!(&header[0], "rank");
    r.records().map(|r| r.unwrap()).collect()
}

fn column(month: &Path, name: &str) -> usize {
    let mut r = csv::Reader::from_path(month.join("ranking.csv")).unwrap();
    r.headers().unwrap().iter().position(|h| h == name).unwrap()
}

/// The `data-…` attributes of every ranking row, in page order, with
/// whether the row is hidden.
fn table_rows(html: &str) -> Vec<(String, String, bool)> {
    html.split("<tr data-rank=\"")
        .skip(1)
        .map(|rest| {
            let tag = &rest[..rest.find('>').unwrap()];
            let attr = |name: &str| {
                let key = format!("{name}=\"");
                let at = tag.find(&key).map(|i| i + key.len()).unwrap();
                tag[at..at + tag[at..].find('"').unwrap()].to_string()
            };
            (attr("data-department"), attr("data-tier"), tag.contains("hidden"))
        })
        .collect()
}

#[test]
fn one_row_per_department_with_the_ranking_figures_and_no_network_reference() {
    let (_, month) = month();
    let index = fs::read_to_string(month.join("dashboard/index.html")).unwrap();
    let rows = ranking(month);
    let listed = table_rows(&index);
    let dept = column(month, "department");
    assert_eq!(listed.len(), rows.len(), "one row per ranked department");
    for (row, (code, _, _)) in rows.iter().zip(&listed) {
        assert_eq!(&row[dept], code, "in rank order");
        let start = index.find(&format!("data-department=\"{code}\"")).unwrap();
        let end = start + index[start..].find("</tr>").unwrap();
        let html = &index[start..end];
        let number =
            |name: &str, decimals: usize| format!("{:.*}", decimals, row[column(month, name)].parse::<f64>().unwrap());
        for (name, cell) in [
            ("predicted_rate", format!("<td class=\"num\">{}</td>", number("predicted_rate", 2))),
            ("predicted_cases", format!("<td class=\"num\">{} <span", number("predicted_cases", 1))),
            ("trailing12_trir", format!("<td class=\"num\">{}</td>", number("trailing12_trir", 2))),
            ("risk_tier", format!(">{}</span>", &row[column(month, "risk_tier")])),
        ] {
            assert!(html.contains(&cell), "{code}: {name} as in ranking.csv ({cell})");
        }
        let page = month.join("dashboard/departments").join(format!("{code}.html"));
        assert!(page.exists(), "{code} has its page");
    }
    for (path, bytes) in common::files_under(&month.join("dashboard")) {
        let text = String::from_utf8(bytes).unwrap();
        for needle in ["<link", "@import", "url(", "src=\"http", "<iframe", "fetch(", "XMLHttpRequest"] {
            assert!(!text.contains(needle), "{}: {needle}", path.display());
        }
        for (at, _) in text.match_indices("http") {
            let before = &text[at.saturating_sub(6)..at];
            assert_eq!(before, "href=\"", "{}: a reference that is not a link at {at}", path.display());
        }
    }
}

#[test]
fn a_department_page_shows_only_its_own_department() {
    let (_, month) = month();
    let rows = ranking(month);
    let (dept, name) = (column(month, "department"), column(month, "name"));
    for row in rows.iter().take(3) {
        let page =
            fs::read_to_string(month.join("dashboard/departments").join(format!("{}.html", &row[dept]))).unwrap();
        assert!(page.contains(&format!("<h1>{} <span class=\"code\">{}</span></h1>", &row[name], &row[dept])));
        for other in rows.iter().filter(|o| o[dept] != row[dept]) {
            assert!(!page.contains(&format!("{}.html", &other[dept])), "no link to {}", &other[dept]);
            if other[name].contains(' ') {
                assert!(!page.contains(&other[name]), "{} shows {}", &row[dept], &other[name]);
            }
        }
    }
}

/// The DOM after the page's script ran, and Chromium's log, with every
/// request but `file://` failing; `None` where Chromium is not installed.
fn browse(page: &Path, fragment: &str) -> Option<(String, String)> {
    let url = format!("file://{}{fragment}", page.display());
    let out = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"])
        .args(["--proxy-server=http://127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"])
        .args(["--virtual-time-budget=2000", "--dump-dom", &url])
        .output()
        .ok()?;
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    Some((String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned()))
}

fn console_errors(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains("CONSOLE") || l.contains("Uncaught")).collect()
}

#[test]
fn in_a_browser_the_table_sorts_filters_and_links_without_console_errors() {
    let (_, month) = month();
    let index = month.join("dashboard/index.html");
    let Some((dom, log)) = browse(&index, "") else {
        return common::skip("dashboard in a browser", "chromium is not installed");
    };
    let rows = ranking(month);
    let dept = column(month, "department");
    assert_eq!(table_rows(&dom).len(), rows.len());
    assert!(dom.contains(&format!("{0} of {0} departments shown", rows.len())), "the script ran");
    assert!(console_errors(&log).is_empty(), "console: {:?}", console_errors(&log));
    let (by_name, _) = browse(&index, "#sort=name&dir=desc").unwrap();
    let name = column(month, "name");
    let mut want: Vec<(String, String)> = rows.iter().map(|r| (r[name].to_lowercase(), r[dept].to_string())).collect();
    want.sort_by(|a, b| b.0.cmp(&a.0));
    let got: Vec<String> = table_rows(&by_name).into_iter().map(|(code, _, _)| code).collect();
    assert_eq!(got, want.into_iter().map(|(_, code)| code).collect::<Vec<_>>(), "sorted by name, descending");
    assert!(by_name.contains("aria-sort=\"descending\""));
    let (high, _) = browse(&index, "#tier=high").unwrap();
    let shown: Vec<_> = table_rows(&high).into_iter().filter(|(_, _, hidden)| !hidden).collect();
    let tier = column(month, "risk_tier");
    assert_eq!(shown.len(), rows.iter().filter(|r| &r[tier] == "high").count(), "the tier filter narrows");
    assert!(shown.iter().all(|(_, t, _)| t == "high"));
    let first = &rows[0];
    let (search, _) = browse(&index, &format!("#q={}", &first[dept])).unwrap();
    assert!(table_rows(&search).iter().any(|(code, _, hidden)| code == &first[dept] && !hidden), "search finds it");
    let link = format!("href=\"departments/{}.html\"", &first[dept]);
    assert!(dom.contains(&link), "the ranking links to the department");
    let (page, log) = browse(&month.join(format!("dashboard/departments/{}.html", &first[dept])), "").unwrap();
    assert!(page.contains(&first[name]) && page.contains("Why it ranks here"), "the link shows that department");
    assert!(console_errors(&log).is_empty(), "console: {:?}", console_errors(&log));
}

#[test]
fn names_are_escaped_never_markup() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    for (path, bytes) in common::files_under(&sample()) {
        fs::write(data.join(path.file_name().unwrap()), bytes).unwrap();
    }
    let departments = fs::read_to_string(data.join("departments.csv")).unwrap();
    let renamed = departments.replacen(",Fire,", ",\"<script>alert(1)</script> & \"\"Fire\"\"\",", 1);
    assert_ne!(renamed, departments, "the sample has a department named Fire");
    fs::write(data.join("departments.csv"), renamed).unwrap();
    let out = dir.path().join("out");
    riskrank().arg("run").arg("--data").arg(&data).arg("--out").arg(&out).assert().success();
    let month = common::month_folder(&out);
    for page in ["dashboard/index.html", "dashboard/departments/LAFD.html"] {
        let html = fs::read_to_string(month.join(page)).unwrap();
        assert!(!html.contains("<script>alert(1)"), "{page}: the name is markup");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; &quot;Fire&quot;"), "{page}: escaped");
    }
}
