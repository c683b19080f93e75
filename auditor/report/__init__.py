"""Report writers over one judged audit: report.json (the contract), report.html, the brief."""
