//! The look shared by every terminal table (reports, compliance views,
//! diffs, rule lists), so that they read as one tool.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

/// The width of report tables: fixed, so that piped output (and test
/// snapshots) are stable whatever the terminal.
pub const WIDTH: u16 = 140;

/// A report table with `header`: wrapped to [`WIDTH`].
pub fn table(header: &[&str]) -> Table {
    let mut table = plain(header);
    table
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(WIDTH);
    table
}

/// A table with `header` in the shared style, sized by its content.
pub fn plain(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED).set_header(header.to_vec());
    table
}

/// A region for a table cell: `-` when there is none.
pub fn region_cell(region: &str) -> &str {
    if region.is_empty() { "-" } else { region }
}
