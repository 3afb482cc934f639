"""Hand-written word banks for the generated org: people, places, companies, products, issues.

Why hand-written: the org must build offline, byte-for-byte reproducibly, with no Faker or
downloads; a few hundred well-chosen words give enough variety for ~55k records.
"""

from __future__ import annotations

FIRST_NAMES = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony",
    "Margaret", "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily",
    "Andrew", "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda", "Brian",
    "Dorothy", "George", "Melissa", "Timothy", "Deborah", "Ronald", "Stephanie", "Edward",
    "Rebecca", "Jason", "Sharon", "Jeffrey", "Laura", "Ryan", "Cynthia", "Jacob", "Kathleen",
    "Gary", "Amy", "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Anna", "Stephen",
    "Brenda", "Larry", "Pamela", "Justin", "Emma", "Scott", "Nicole", "Brandon", "Helen",
    "Benjamin", "Samantha", "Samuel", "Katherine", "Gregory", "Christine", "Alexander", "Debra",
    "Frank", "Rachel", "Patrick", "Carolyn", "Raymond", "Janet", "Jack", "Catherine", "Dennis",
    "Maria", "Jerry", "Heather", "Tyler", "Diane", "Aaron", "Ruth", "Jose", "Julie", "Adam",
    "Olivia", "Nathan", "Joyce", "Henry", "Virginia", "Douglas", "Victoria", "Zachary", "Kelly",
    "Peter", "Lauren", "Kyle", "Christina", "Ethan", "Joan", "Walter", "Evelyn", "Noah", "Judith",
    "Jeremy", "Megan", "Christian", "Andrea", "Keith", "Cheryl", "Roger", "Hannah", "Terry",
    "Jacqueline", "Gerald", "Martha", "Harold", "Gloria", "Sean", "Teresa", "Austin", "Ann",
    "Carl", "Sara", "Arthur", "Madison", "Lawrence", "Frances", "Dylan", "Kathryn", "Jesse",
    "Janice", "Jordan", "Jean", "Bryan", "Abigail", "Billy", "Alice", "Joe", "Judy", "Bruce",
    "Sophia", "Gabriel", "Grace", "Logan", "Denise", "Albert", "Amber", "Willie", "Doris", "Alan",
    "Marilyn", "Juan", "Danielle", "Wayne", "Beverly", "Elijah", "Isabella", "Randy", "Theresa",
    "Roy", "Diana", "Vincent", "Natalie", "Ralph", "Brittany", "Eugene", "Charlotte", "Russell",
    "Marie", "Bobby", "Kayla", "Mason", "Alexis", "Philip", "Lori", "Priya", "Wei", "Mei",
    "Hiroshi", "Yuki", "Aarav", "Ananya", "Mohammed", "Fatima", "Carlos", "Sofia", "Diego",
    "Lucia", "Ahmed", "Layla", "Chen", "Ying", "Raj", "Divya", "Omar", "Amira", "Luis", "Camila",
    "Kenji", "Sakura", "Arjun", "Kavya", "Tariq", "Zara", "Mateo", "Valentina", "Jin", "Hana",
    "Ravi", "Meera", "Andre", "Nadia", "Emeka", "Adaeze", "Kwame", "Ama",
]

LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott",
    "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera",
    "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz",
    "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy",
    "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed",
    "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks", "Chavez",
    "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez",
    "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Powell",
    "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes",
    "Gonzales", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander",
    "Hamilton", "Graham", "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes",
    "Bryant", "Herrera", "Gibson", "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray",
    "Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernandez", "McDonald", "Woods",
    "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen", "Freeman", "Webb", "Tucker",
    "Guzman", "Burns", "Crawford", "Olson", "Simpson", "Porter", "Hunter", "Gordon", "Mendez",
    "Silva", "Shaw", "Snyder", "Mason", "Dixon", "Munoz", "Hunt", "Hicks", "Holmes", "Palmer",
    "Wagner", "Black", "Robertson", "Boyd", "Rose", "Stone", "Salazar", "Fox", "Warren", "Mills",
    "Meyer", "Rice", "Schmidt", "Garza", "Daniels", "Ferguson", "Nichols", "Stephens", "Soto",
    "Weaver", "Ryan", "Gardner", "Payne", "Grant", "Dunn", "Kelley", "Spencer", "Hawkins",
    "Arnold", "Pierce", "Vazquez", "Hansen", "Peters", "Santos", "Hart", "Bradley", "Knight",
    "Elliott", "Cunningham", "Duncan", "Armstrong", "Hudson", "Carroll", "Lane", "Riley",
    "Andrews", "Alvarado", "Ray", "Delgado", "Berry", "Perkins", "Hoffman", "Johnston", "Matthews",
    "Pena", "Richards", "Contreras", "Willis", "Carpenter", "Lawrence", "Sandoval", "Liu", "Wang",
    "Zhang", "Yamamoto", "Tanaka", "Sato", "Suzuki", "Kumar", "Sharma", "Singh", "Gupta", "Shah",
    "Rao", "Iyer", "Okafor", "Mensah", "Haddad", "Nasser", "Khan", "Hussain", "Kowalski", "Novak",
    "Rossi", "Bianchi", "Muller", "Schneider", "Dubois", "Laurent", "Larsen", "Nielsen", "Petrov",
    "Ivanova", "Costa", "Oliveira", "Pereira", "Byrne", "Walsh",
]

JOB_TITLES = (
    "CEO", "CTO", "CFO", "COO", "VP of Engineering", "VP of Operations", "VP of Sales",
    "Director of IT", "IT Manager", "Procurement Manager", "Operations Manager",
    "Head of Security", "Data Engineering Lead", "Facilities Manager", "Purchasing Agent",
    "Systems Administrator", "Network Engineer", "Product Manager", "Finance Manager",
    "Chief Information Officer", "Infrastructure Architect", "Business Analyst",
)

#: US states: code -> (name, cities)
STATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "AL": ("Alabama", ("Birmingham", "Montgomery", "Huntsville")),
    "AK": ("Alaska", ("Anchorage", "Fairbanks", "Juneau")),
    "AZ": ("Arizona", ("Phoenix", "Tucson", "Scottsdale", "Mesa")),
    "AR": ("Arkansas", ("Little Rock", "Fayetteville", "Bentonville")),
    "CA": ("California", ("Los Angeles", "San Francisco", "San Diego", "San Jose", "Sacramento",
                          "Oakland", "Irvine")),
    "CO": ("Colorado", ("Denver", "Boulder", "Colorado Springs")),
    "CT": ("Connecticut", ("Hartford", "Stamford", "New Haven")),
    "DE": ("Delaware", ("Wilmington", "Dover")),
    "FL": ("Florida", ("Miami", "Orlando", "Tampa", "Jacksonville")),
    "GA": ("Georgia", ("Atlanta", "Savannah", "Augusta")),
    "HI": ("Hawaii", ("Honolulu", "Hilo")),
    "ID": ("Idaho", ("Boise", "Idaho Falls")),
    "IL": ("Illinois", ("Chicago", "Springfield", "Naperville")),
    "IN": ("Indiana", ("Indianapolis", "Fort Wayne", "Bloomington")),
    "IA": ("Iowa", ("Des Moines", "Cedar Rapids")),
    "KS": ("Kansas", ("Wichita", "Overland Park")),
    "KY": ("Kentucky", ("Louisville", "Lexington")),
    "LA": ("Louisiana", ("New Orleans", "Baton Rouge")),
    "ME": ("Maine", ("Portland", "Bangor")),
    "MD": ("Maryland", ("Baltimore", "Annapolis", "Rockville")),
    "MA": ("Massachusetts", ("Boston", "Cambridge", "Worcester")),
    "MI": ("Michigan", ("Detroit", "Ann Arbor", "Grand Rapids")),
    "MN": ("Minnesota", ("Minneapolis", "Saint Paul", "Rochester")),
    "MS": ("Mississippi", ("Jackson", "Gulfport")),
    "MO": ("Missouri", ("Kansas City", "St. Louis", "Springfield")),
    "MT": ("Montana", ("Billings", "Missoula", "Bozeman")),
    "NE": ("Nebraska", ("Omaha", "Lincoln")),
    "NV": ("Nevada", ("Las Vegas", "Reno", "Henderson")),
    "NH": ("New Hampshire", ("Manchester", "Nashua")),
    "NJ": ("New Jersey", ("Newark", "Jersey City", "Princeton")),
    "NM": ("New Mexico", ("Albuquerque", "Santa Fe")),
    "NY": ("New York", ("New York", "Buffalo", "Rochester", "Albany")),
    "NC": ("North Carolina", ("Charlotte", "Raleigh", "Durham")),
    "ND": ("North Dakota", ("Fargo", "Bismarck")),
    "OH": ("Ohio", ("Columbus", "Cleveland", "Cincinnati")),
    "OK": ("Oklahoma", ("Oklahoma City", "Tulsa")),
    "OR": ("Oregon", ("Portland", "Eugene", "Salem")),
    "PA": ("Pennsylvania", ("Philadelphia", "Pittsburgh", "Harrisburg")),
    "RI": ("Rhode Island", ("Providence", "Warwick")),
    "SC": ("South Carolina", ("Charleston", "Columbia", "Greenville")),
    "SD": ("South Dakota", ("Sioux Falls", "Rapid City")),
    "TN": ("Tennessee", ("Nashville", "Memphis", "Knoxville")),
    "TX": ("Texas", ("Austin", "Houston", "Dallas", "San Antonio", "Fort Worth")),
    "UT": ("Utah", ("Salt Lake City", "Provo", "Ogden")),
    "VT": ("Vermont", ("Burlington", "Montpelier")),
    "VA": ("Virginia", ("Richmond", "Arlington", "Virginia Beach")),
    "WA": ("Washington", ("Seattle", "Spokane", "Tacoma", "Redmond")),
    "WV": ("West Virginia", ("Charleston", "Morgantown")),
    "WI": ("Wisconsin", ("Milwaukee", "Madison", "Green Bay")),
    "WY": ("Wyoming", ("Cheyenne", "Casper")),
}
STATE_CODES = tuple(STATES)
#: Where customers are, roughly by population (a few big states dominate).
STATE_WEIGHTS = {code: w for code, w in zip(STATE_CODES, (
    5, 1, 7, 3, 39, 6, 4, 1, 21, 10, 1, 2, 13, 7, 3, 3, 4, 5, 1, 6, 7, 10, 6, 3, 6, 1, 2, 3, 1,
    9, 2, 20, 10, 1, 12, 4, 4, 13, 1, 5, 1, 7, 29, 3, 1, 8, 8, 2, 6, 1), strict=True)}

#: Sales territories: name -> covered states (every state in exactly one territory).
TERRITORIES: dict[str, tuple[str, ...]] = {
    "Pacific West": ("CA", "HI", "AK"),
    "Pacific Northwest": ("WA", "OR", "ID"),
    "Mountain": ("CO", "UT", "MT", "WY", "NV"),
    "Southwest": ("AZ", "NM", "TX", "OK"),
    "Great Plains": ("ND", "SD", "NE", "KS", "IA", "MN"),
    "Great Lakes": ("IL", "IN", "MI", "OH", "WI"),
    "Southeast": ("FL", "GA", "SC", "NC", "AL", "MS"),
    "South Central": ("TN", "KY", "AR", "LA", "MO"),
    "Mid-Atlantic": ("NY", "NJ", "PA", "DE", "MD", "VA", "WV"),
    "New England": ("MA", "CT", "RI", "VT", "NH", "ME"),
}

B2B_INDUSTRIES = ("Technology", "Manufacturing", "Healthcare", "Finance", "Retail", "Energy",
                  "Education", "Telecommunications", "Transportation", "Media")

COMPANY_PREFIXES = (
    "Apex", "Summit", "Blue Ridge", "Northwind", "Silverline", "Granite", "Redwood", "Evergreen",
    "Ironclad", "Brightpath", "Clearwater", "Crescent", "Pinnacle", "Horizon", "Meridian",
    "Keystone", "Cobalt", "Harbor", "Lakeshore", "Sterling", "Vanguard", "Cedar", "Falcon",
    "Atlas", "Beacon", "Cascade", "Frontier", "Highland", "Liberty", "Mosaic", "Nova", "Orion",
    "Prairie", "Quantum", "Riverbend", "Sequoia", "Tidewater", "Unity", "Vertex", "Westfield",
    "Bluebird", "Copperleaf", "Driftwood", "Elmstone", "Foxglove", "Goldcrest", "Hawthorne",
    "Juniper", "Kestrel", "Lumen", "Maple", "Northstar", "Oakridge", "Pioneer", "Silverpine",
    "Trident", "Upland", "Willow", "Zenith", "AI Cirku", "Nexa", "Optima", "Stratus", "Velocity",
)
#: Industry -> company name roots.
COMPANY_ROOTS: dict[str, tuple[str, ...]] = {
    "Technology": ("Software", "Systems", "Digital", "Labs", "Technologies", "Data", "Tech"),
    "Manufacturing": ("Manufacturing", "Industries", "Fabrication", "Components", "Machining"),
    "Healthcare": ("Health", "Medical", "Clinics", "Diagnostics", "Care Partners", "BioSciences"),
    "Finance": ("Capital", "Financial", "Bank", "Credit Union", "Investments", "Trust"),
    "Retail": ("Retail", "Outfitters", "Markets", "Supply", "Goods", "Stores"),
    "Energy": ("Energy", "Power", "Solar", "Utilities", "Renewables", "Grid"),
    "Education": ("Academy", "Learning", "University", "Schools", "Institute"),
    "Telecommunications": ("Telecom", "Networks", "Wireless", "Communications", "Broadband"),
    "Transportation": ("Logistics", "Freight", "Transit", "Shipping", "Fleet Services"),
    "Media": ("Media", "Studios", "Publishing", "Broadcasting", "Entertainment"),
}
COMPANY_SUFFIXES = ("Inc.", "LLC", "Corp.", "Group", "Co.", "Ltd.", "Holdings", "")

#: Products: (name prefix, name root, family). Names like "SecureAnalytics Pro".
PRODUCT_PREFIXES = ("Secure", "Opti", "Data", "Cloud", "Smart", "Quantum", "Nexus", "Hyper",
                    "Edge", "Core", "Flex", "Astra", "Omni", "Ultra", "Vita", "Zen", "Cirku")
PRODUCT_ROOTS: dict[str, str] = {
    "Analytics": "Software", "Power": "Hardware", "Sync": "Software", "Guard": "Software",
    "Vision": "Hardware", "Link": "Hardware", "Store": "Hardware", "Flow": "Software",
    "Shield": "Software", "Compute": "Hardware", "Sense": "Hardware", "Desk": "Services",
    "Care": "Services", "Dock": "Accessories", "Cable": "Accessories", "Charge": "Accessories",
}
PRODUCT_SUFFIXES = ("Pro", "Manager", "Suite", "Hub", "X", "360", "Plus", "Max", "Lite",
                    "Enterprise", "Edge", "One", "Core", "Station", "Tech")

#: Product family -> list price range in USD.
PRICE_RANGES = {"Hardware": (400, 9_000), "Software": (150, 4_000), "Services": (500, 12_000),
                "Accessories": (25, 600)}

B2B_CATEGORIES = ("Security Solutions", "Data Analytics", "Cloud Infrastructure",
                  "Networking Hardware", "Power Management", "Collaboration Tools",
                  "Storage Systems", "IoT Devices", "Professional Services", "Accessories")
B2C_CATEGORIES = ("Home Computing", "Smart Home", "Connectivity", "Power & Charging",
                  "Support Plans")

#: Support issues: (name, description, product families it applies to).
ISSUES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Login Failure", "Users cannot sign in to the product or are repeatedly logged out.",
     ("Software", "Services")),
    ("Installation Error", "Setup or installation stops with an error before completion.",
     ("Software", "Hardware")),
    ("Slow Performance", "The product responds slowly or times out under normal load.",
     ("Software", "Hardware")),
    ("Data Sync Failure", "Data does not synchronise between devices, sites or the cloud.",
     ("Software",)),
    ("Hardware Overheating", "The device runs hot, throttles or shuts down unexpectedly.",
     ("Hardware",)),
    ("Connectivity Drops", "The device or service loses its network connection intermittently.",
     ("Hardware", "Accessories")),
    ("Billing Discrepancy", "An invoice or charge does not match the agreed price or quantity.",
     ("Software", "Hardware", "Services", "Accessories")),
    ("Missing Notifications", "Alerts or notifications for updates and events are not delivered.",
     ("Software",)),
    ("License Activation Problem", "A license key is rejected or seats are not recognised.",
     ("Software",)),
    ("Firmware Update Failure", "A firmware update fails, stalls or leaves the device unusable.",
     ("Hardware", "Accessories")),
    ("Damaged on Arrival", "The product arrived physically damaged or with missing parts.",
     ("Hardware", "Accessories")),
    ("Integration Error", "The product fails to integrate with a third-party system or API.",
     ("Software", "Services")),
    ("Battery Drain", "The device's battery drains much faster than specified.",
     ("Hardware", "Accessories")),
    ("Report Generation Error", "Scheduled or on-demand reports fail or show wrong figures.",
     ("Software",)),
    ("Service Outage", "The hosted service or managed service is unavailable.",
     ("Services", "Software")),
)

#: Issue -> how a customer describes it ({product} is filled in).
ISSUE_SYMPTOMS: dict[str, tuple[str, ...]] = {
    "Login Failure": (
        "none of our users can sign in to {product}; the login page just reloads",
        "{product} keeps logging people out after a few minutes",
        "sign-in to {product} fails with an 'invalid session' message even with correct passwords"),
    "Installation Error": (
        "the {product} installer stops at about 80% with error code 1603",
        "setup of {product} fails on our new machines before it finishes",
        "the {product} installation rolls back with a missing component error"),
    "Slow Performance": (
        "{product} has become very slow; pages take more than 30 seconds to load",
        "{product} times out during our busiest hours",
        "dashboards in {product} take minutes to refresh"),
    "Data Sync Failure": (
        "changes made in one office do not show up in {product} at the other sites",
        "{product} stopped syncing with the cloud; the last sync was three days ago",
        "records edited offline in {product} never reach the server"),
    "Hardware Overheating": (
        "our {product} unit runs very hot and shuts itself down after an hour",
        "the fan on {product} is loud and the temperature warning light is on",
        "{product} throttles and becomes unresponsive when the room gets warm"),
    "Connectivity Drops": (
        "{product} loses its network connection several times a day",
        "the connection to {product} drops for a few minutes at a time",
        "{product} disconnects from Wi-Fi whenever traffic increases"),
    "Billing Discrepancy": (
        "our invoice for {product} shows a higher unit price than the one we agreed",
        "we were charged twice for {product} this month",
        "the quantity of {product} on our invoice does not match our order"),
    "Missing Notifications": (
        "{product} no longer sends alerts for new updates",
        "nobody on the team receives the {product} notification emails anymore",
        "event notifications from {product} arrive hours late or not at all"),
    "License Activation Problem": (
        "the license key for {product} is rejected as invalid",
        "{product} only recognises 10 of the 50 seats we purchased",
        "activation of {product} fails with a 'license already in use' message"),
    "Firmware Update Failure": (
        "the firmware update for {product} stalls at 45% and never completes",
        "after the latest firmware update {product} will not boot",
        "{product} reports that the firmware image is corrupted"),
    "Damaged on Arrival": (
        "the {product} we received has a cracked casing",
        "the box for {product} arrived crushed and the unit does not power on",
        "our {product} shipment was missing the power supply and mounting kit"),
    "Integration Error": (
        "{product} cannot connect to our ERP system; the API returns 401 errors",
        "the integration between {product} and our CRM fails every night",
        "webhooks from {product} are rejected by our internal service"),
    "Battery Drain": (
        "the battery in {product} lasts about two hours instead of a full day",
        "{product} drains its battery even when it is switched off",
        "{product} shows a full charge and then dies within minutes"),
    "Report Generation Error": (
        "scheduled reports in {product} fail with a generic error",
        "the monthly report from {product} shows totals that do not match our data",
        "exporting a report from {product} produces an empty file"),
    "Service Outage": (
        "{product} has been completely unavailable since this morning",
        "the {product} service returns a 503 error for all of our users",
        "{product} is down across all of our locations"),
}
#: Issue description -> issue name (for callers that only have the description).
ISSUE_BY_DESCRIPTION = {desc: name for name, desc, _ in ISSUES}

#: Issue -> fixes an agent suggests to the customer (customer-facing wording).
ISSUE_FIXES: dict[str, tuple[str, ...]] = {
    "Login Failure": ("Please clear your browser cache and cookies, then sign in again.",
                      "Please reset your password from the sign-in page and try once more."),
    "Installation Error": ("Please run the installer as an administrator.",
                           "Please remove the previous version first, then run setup again."),
    "Slow Performance": ("Please archive data older than two years from the settings page.",
                         "Please restart the service and disable the debug logging option."),
    "Data Sync Failure": ("Please sign out and back in to force a full sync.",
                          "Please check that the sync service is allowed through your firewall."),
    "Hardware Overheating": ("Please make sure there are at least 10 cm of clearance around the "
                             "vents.",
                             "Please update to the latest firmware, which adjusts the fan curve."),
    "Connectivity Drops": ("Please switch the device to a wired connection if you can.",
                           "Please turn off the power-saving mode on the network adapter."),
    "Billing Discrepancy": ("I have asked our billing team to review the invoice against your "
                            "order.",
                            "I can issue a corrected invoice once billing confirms the price."),
    "Missing Notifications": ("Please check that notifications are enabled under Settings > "
                              "Alerts.",
                              "Please add our sending domain to your email allow list."),
    "License Activation Problem": ("Please release the old activations from the license portal.",
                                   "Please re-enter the key exactly as shown in your order email."),
    "Firmware Update Failure": ("Please power-cycle the device and start the update again over a "
                                "wired connection.",
                                "Please use the recovery image from the support portal."),
    "Damaged on Arrival": ("I have started a replacement order; a return label will follow by "
                           "email.",
                           "Please send a photo of the damage so we can ship a replacement."),
    "Integration Error": ("Please regenerate the API token and update it in your integration "
                          "settings.",
                          "Please check that the integration user still has API access."),
    "Battery Drain": ("Please turn off background sync and check the battery again tomorrow.",
                      "Please run the battery calibration from the device menu."),
    "Report Generation Error": ("Please narrow the report's date range and run it again.",
                                "Please re-save the report template after the latest update."),
    "Service Outage": ("Our engineers are restoring the service; please check the status page for "
                       "updates.",
                       "Please retry in a few minutes; we are failing over to a backup region."),
}
#: Issues about an order or invoice rather than a malfunction.
ORDER_ISSUES = frozenset({"Billing Discrepancy", "Damaged on Arrival"})
