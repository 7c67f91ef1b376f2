"""What the fee pages report: the collection overview of a street, a firm or the city (overview,
views), arrears (欠费), the charts and CSV/XLSX exports of those pages, and the bills' monthly
totals they read (totals). The collection rates themselves are computed in fees/rates.py, which
the fee alert rules, the API and other domains (through fees.services) read as well."""
