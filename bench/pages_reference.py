"""The reference of bench/pages.py: for each measured page, the numbers it shows computed by
hand-written PostgreSQL, the fewest statements a person would write for them, run straight on
the database. A page's ratio is its full request time over the time of these statements: the
price of the app (ORM, scope clauses, templates, charts) over the limit set by the data.

`{scope}` below is the set of compound ids the viewer sees: a street's, or every compound.
"""

from __future__ import annotations

OPEN = "('new', 'assigned', 'in_progress', 'reopened')"
OVERDUE = (
    f"((t.status IN ('new', 'assigned') AND t.responded_at IS NULL AND t.respond_by < %(at)s) "
    f"OR (t.status IN {OPEN} AND t.resolve_by < %(at)s))"
)

# Both collection rates per period (the trend, the API), on the bills' totals by compound and month
# (bill_total, kept by the database in step with the bills: a person who knows the schema reads
# them, not the bills).
RATES = """
SELECT b.period, sum(b.receivable_fen), sum(b.received_fen), sum(b.households_billed), sum(b.households_paid)
FROM bill_total b WHERE b.fee_type = 'property' AND b.period BETWEEN %(first)s AND %(last)s {where}
GROUP BY b.period"""

# The city's trend and the health's last month by compound: the totals of twelve months are a
# city's ~13,000 rows, so one pass grouped by both.
TREND_AND_LAST = """
SELECT b.period, CASE WHEN b.period = %(last)s THEN b.compound_id END, sum(b.receivable_fen),
       sum(b.received_fen), sum(b.households_billed), sum(b.households_paid)
FROM bill_total b WHERE b.fee_type = 'property' AND b.period BETWEEN %(first)s AND %(last)s
GROUP BY 1, 2"""

# The last closed month's rates by compound (health's collection part).
LAST_BY_COMPOUND = """SELECT b.compound_id, sum(b.receivable_fen), sum(b.received_fen) FROM bill_total b
       WHERE b.compound_id IN ({scope}) AND b.fee_type = 'property' AND b.period = %(last)s GROUP BY b.compound_id"""

# The health of each compound, every part in one statement per table (the bills apart).
HEALTH_PARTS = [
    "SELECT compound_id, count(*) FROM household WHERE compound_id IN ({scope}) GROUP BY compound_id",
    f"SELECT t.compound_id, count(*) FROM ticket t WHERE t.compound_id IN ({{scope}}) AND {OVERDUE} "
    "GROUP BY t.compound_id",
    """SELECT compound_id, count(*) FROM warranty_item WHERE compound_id IN ({scope})
       AND warranty_end > %(today)s AND warranty_end <= %(today)s + 90
       AND compound_id NOT IN (SELECT compound_id FROM inspection
                               WHERE inspected_on > %(today)s - 180 AND inspected_on <= %(today)s)
       GROUP BY compound_id""",
    "SELECT compound_id, count(*) FROM alert WHERE compound_id IN ({scope}) AND state <> 'resolved' GROUP BY compound_id",
    # committee status and management mode, with the code and name for the table
    """SELECT c.id, c.code, c.name, c.management_mode,
         CASE WHEN cur.term_end > %(today)s + 90 THEN 'active' WHEN cur.term_end > %(today)s THEN 're_election_due'
              WHEN EXISTS (SELECT 1 FROM committee u WHERE u.compound_id = c.id AND u.elected_on > %(today)s)
                THEN 'preparing'
              WHEN cur.id IS NOT NULL THEN 'expired' ELSE 'none' END
       FROM compound c
       LEFT JOIN LATERAL (SELECT id, term_end FROM committee m WHERE m.compound_id = c.id AND m.elected_on <= %(today)s
                          ORDER BY m.elected_on DESC LIMIT 1) cur ON true
       WHERE c.id IN ({scope})""",
]

# The tiles and charts of the street office's and the regulator's home, besides the trend and health.
# (The households tile is the sum of HEALTH_PARTS' households per compound.)
TREND = RATES.replace("{where}", "AND b.compound_id IN ({scope})")
OVERVIEW = [
    f"SELECT t.category, t.status, count(*), count(*) FILTER (WHERE {OVERDUE}) FROM ticket t "
    "WHERE t.compound_id IN ({scope}) GROUP BY t.category, t.status",
    """SELECT to_char(warranty_end, 'YYYY-MM'), count(*) FROM warranty_item WHERE compound_id IN ({scope})
       AND warranty_end > %(today)s AND warranty_end <= %(today)s + 365 GROUP BY 1""",
    """SELECT a.id, a.title, a.opened_at, count(*) OVER () FROM alert a
       WHERE a.state = 'open' AND a.compound_id IN ({scope}) ORDER BY a.opened_at DESC, a.id DESC LIMIT 10""",
]

# The regulator's extra: the streets table, the latest published ranking and the black list of the
# twelve latest published periods (the current revision of each).
CITY = [
    f"""SELECT c.street_id, count(DISTINCT c.id), count(t.id) FILTER (WHERE t.status IN {OPEN}),
              count(t.id) FILTER (WHERE {OVERDUE})
       FROM compound c LEFT JOIN ticket t ON t.compound_id = c.id GROUP BY c.street_id""",
    """SELECT r.firm_id, f.name, r.score, r.grade FROM ranking_result r JOIN firm f ON f.id = r.firm_id
       WHERE r.period_id = (SELECT id FROM ranking_period WHERE state = 'published'
                            ORDER BY published_at DESC LIMIT 1)""",
    """WITH cur AS (SELECT DISTINCT ON (code) id, code, ends_on FROM ranking_period WHERE state = 'published'
                 ORDER BY code, revision DESC),
            latest AS (SELECT * FROM cur ORDER BY ends_on DESC LIMIT 12)
       SELECT l.code, r.firm_name, r.veto FROM latest l
       LEFT JOIN ranking_result r ON r.period_id = l.id AND r.list_name = 'black'""",
]

# The compound page: the compound, its contracts, a page of households, its buildings.
COMPOUND = [
    "SELECT * FROM compound WHERE id = %(compound)s",
    """SELECT sc.*, f.name FROM service_contract sc JOIN firm f ON f.id = sc.firm_id
       WHERE sc.compound_id = %(compound)s ORDER BY sc.start_date DESC""",
    """SELECT h.*, bu.name, count(*) OVER () FROM household h
       JOIN building bu ON bu.id = h.building_id AND bu.compound_id = %(compound)s
       WHERE h.compound_id = %(compound)s ORDER BY bu.name, h.unit LIMIT 50""",
    """SELECT bu.id, bu.name, count(h.id), sum(h.floor_area_dm2) FROM building bu
       LEFT JOIN household h ON h.building_id = bu.id WHERE bu.compound_id = %(compound)s GROUP BY bu.id, bu.name""",
]


def queries(page: str) -> list[str]:
    """The hand-written statements of one measured page, with `{scope}` filled in."""
    street = "SELECT id FROM compound WHERE street_id = %(street)s"
    city = "SELECT id FROM compound"
    if page == "street_home":
        statements, scope = [TREND] + OVERVIEW + HEALTH_PARTS + [LAST_BY_COMPOUND], street
    elif page == "regulator_home":
        statements, scope = [TREND_AND_LAST] + OVERVIEW + HEALTH_PARTS + CITY, city
    elif page == "compound_page":
        statements, scope = COMPOUND + HEALTH_PARTS + [LAST_BY_COMPOUND], "%(compound)s"
    elif page == "rates_street":
        statements, scope = [RATES.replace("{where}", "AND b.compound_id IN ({scope})")], street
    elif page == "rates_city":
        statements, scope = [RATES.replace("{where}", "")], city
    else:
        raise ValueError(page)
    return [s.replace("{scope}", scope) for s in statements]
