"""The figures the Police and Crime Panel report of July 2023 published for 2022/23.

The anchor of the demo, the report, the export and the dashboard: written out here once, from
the seed document, never computed by the program under test.
"""

PUBLISHED_2022_23 = {
    "victims_supported": 90_793,
    "idva_da_supported": 22_989,
    "isva_sa_supported": 5_168,
    "reported_before": 69_041,
    "reported_after": 410,
    "referred_mental_health": 1_487,
    "rj_supported": 7_667,
}
