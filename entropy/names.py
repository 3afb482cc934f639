"""Plausible Salesforce-style replacement API names for drifted fields and objects.

A renamed field looks like what an admin migration would leave behind (`Status` ->
`Case_Status__c`, `BillingState` -> `Billing_Region__c`, `CreatedDate` -> `Opened_On__c`), never a
giveaway such as `Status_old` or `Status_drifted`. Labels are not touched here: a real API-name
change keeps the label, and describe is how an agent maps one to the other.
"""

from __future__ import annotations

import random
import re

from sandbox_db.schema import FieldType, SField, SObject

#: Words a new name may never contain: they would tell the agent the name was changed.
GIVEAWAY_WORDS = frozenset({"old", "drift", "drifted", "legacy", "deprecated", "renamed", "orig",
                            "original", "tmp", "temp", "test", "former", "prev", "obsolete"})

#: Salesforce API name body: a letter, then letters/digits/single underscores (max 40 chars).
_API_BODY = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$")

#: Per-word alternatives an admin might have picked.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "status": ("Status_Code", "State", "Current_Status"),
    "state": ("Region", "Province"),
    "city": ("Town", "Locality"),
    "created": ("Opened", "Logged", "Entered"),
    "date": ("On", "Dt"),
    "closed": ("Resolved", "Completed"),
    "close": ("Target_Close", "Closing"),
    "name": ("Display_Name", "Full_Name", "Title"),
    "description": ("Details", "Notes", "Overview"),
    "phone": ("Phone_Number", "Contact_Number"),
    "email": ("Email_Address", "E_Mail"),
    "amount": ("Deal_Value", "Value"),
    "owner": ("Record_Owner", "Assigned_User", "Owner_User"),
    "account": ("Customer_Account", "Client_Account", "Customer"),
    "contact": ("Primary_Contact", "Customer_Contact", "Person"),
    "subject": ("Topic", "Headline"),
    "priority": ("Urgency", "Severity"),
    "origin": ("Channel", "Source"),
    "quantity": ("Qty", "Units"),
    "industry": ("Sector", "Vertical"),
    "title": ("Job_Title", "Position", "Heading"),
    "company": ("Organization", "Employer"),
    "body": ("Content", "Transcript_Text", "Full_Text"),
    "start": ("Begin", "Kickoff"),
    "end": ("Finish", "Stop"),
    "time": ("Timestamp", "At"),
    "number": ("Num", "No"),
    "price": ("Rate", "Price_Amt"),
    "total": ("Line_Total", "Extended"),
    "discount": ("Discount_Pct", "Markdown"),
    "probability": ("Win_Likelihood", "Likelihood"),
    "stage": ("Phase", "Pipeline_Stage"),
    "active": ("Enabled", "In_Use"),
    "family": ("Line", "Group"),
    "code": ("SKU", "Key"),
    "employees": ("Headcount", "Staff_Count"),
    "version": ("Revision", "Rev"),
    "publish": ("Release", "Publication"),
    "published": ("Released", "Went_Live"),
    "latest": ("Current", "Newest"),
    "summary": ("Abstract", "Synopsis"),
    "answer": ("Resolution", "Solution"),
    "url": ("Slug", "Link"),
    "location": ("Venue", "Place"),
    "duration": ("Length", "Minutes"),
    "alias": ("Nickname", "Handle"),
    "username": ("Login", "Login_Name"),
    "profile": ("Access_Profile", "User_Profile"),
    "expiration": ("Expiry", "Valid_Until"),
    "effective": ("Start", "Go_Live"),
    "signed": ("Executed", "Countersigned"),
    "term": ("Term_Length", "Duration"),
    "catalog": ("Catalogue", "Collection"),
    "valid": ("Effective", "Applies"),
    "from": ("Start", "Begins"),
    "to": ("Until", "Through"),
    "role": ("Position", "Function"),
    "visitor": ("Guest", "Web_Visitor"),
    "message": ("Mail", "Sent"),
    "text": ("Plain_Text", "Content"),
    "converted": ("Conversion", "Won"),
    "issue": ("Problem", "Known_Issue"),
    "old": ("Prior", "Before"),
    "new": ("Updated", "After"),
    "case": ("Ticket", "Support_Case"),
    "opportunity": ("Deal", "Opp"),
    "lead": ("Prospect", "Sales_Lead"),
    "order": ("Purchase_Order", "Sales_Order"),
    "product": ("Item", "Catalog_Item"),
    "field": ("Attribute", "Changed_Field"),
    "value": ("Val", "Setting"),
    "parent": ("Parent_Record", "Parent_Case"),
    "related": ("Linked", "Associated"),
    "what": ("Related_Record", "Linked_Record"),
    "quote": ("Proposal", "Estimate"),
    "contract": ("Agreement", "Contract_Ref"),
    "territory": ("Sales_Territory", "Region"),
    "user": ("Team_Member", "Rep"),
    "category": ("Category_Ref", "Classification"),
}

#: Words replaced only when they are the whole name (inside a compound they read badly:
#: FirstName -> "First_Display_Name" would be noise, not drift).
SOLO_ONLY = frozenset({"name", "time", "number", "to", "from", "value", "field", "code", "text",
                       "email", "phone", "what", "type", "key", "date"})

#: Hand-picked names for fields that appear on many objects.
CURATED: dict[str, tuple[str, ...]] = {
    "Status": ("{obj}_Status__c", "Status_v2__c", "Current_Status__c"),
    "CreatedDate": ("Opened_On__c", "Created_On__c", "Record_Created__c"),
    "ShippingState": ("Shipping_Region__c", "Ship_To_State__c"),
    "BillingState": ("Billing_Region__c", "Bill_To_State__c"),
    "ShippingCity": ("Ship_To_City__c", "Shipping_Town__c"),
    "OwnerId": ("Record_Owner__c", "Assigned_Owner__c", "Owner_User__c"),
    "AccountId": ("Customer_Account__c", "Client_Account__c", "{obj}_Account__c"),
    "ContactId": ("Primary_Contact__c", "Customer_Contact__c"),
    "Name": ("Display_Name__c", "{obj}_Name__c"),
    "FirstName": ("Given_Name__c", "Forename__c"),
    "LastName": ("Family_Name__c", "Surname__c"),
    "Description": ("Details__c", "{obj}_Notes__c", "Long_Description__c"),
    "Subject": ("Topic__c", "{obj}_Subject__c"),
    "Priority": ("Urgency__c", "Priority_Level__c"),
    "Amount": ("Deal_Value__c", "Opportunity_Value__c"),
    "StageName": ("Sales_Stage__c", "Pipeline_Stage__c"),
    "CloseDate": ("Target_Close_Date__c", "Expected_Close__c"),
    "ClosedDate": ("Resolved_On__c", "Closed_On__c"),
    "NumberOfEmployees": ("Headcount__c", "Employee_Count__c"),
    "Industry": ("Sector__c", "Industry_Segment__c"),
    "Email": ("Email_Address__c", "Primary_Email__c"),
    "Phone": ("Phone_Number__c", "Main_Phone__c"),
}

#: Suffixes by field type, for "{Words}_{Suffix}__c" candidates.
TYPE_SUFFIXES: dict[FieldType, tuple[str, ...]] = {
    FieldType.PICKLIST: ("Code", "Type", "Value"),
    FieldType.MULTIPICKLIST: ("Values", "Codes"),
    FieldType.STRING: ("Text", "Value"),
    FieldType.TEXTAREA: ("Details", "Notes"),
    FieldType.DATE: ("Date", "On"),
    FieldType.DATETIME: ("At", "On", "Timestamp"),
    FieldType.INT: ("Count", "Num"),
    FieldType.DOUBLE: ("Value", "Num"),
    FieldType.CURRENCY: ("Amt", "Value"),
    FieldType.PERCENT: ("Pct", "Rate"),
    FieldType.BOOLEAN: ("Flag", "Indicator"),
    FieldType.EMAIL: ("Address",),
    FieldType.PHONE: ("Number",),
    FieldType.URL: ("Link",),
    FieldType.REFERENCE: ("Ref", "Lookup", "Link"),
}

#: Custom-object replacements for whole objects (drift level high).
OBJECT_NAMES: dict[str, tuple[str, ...]] = {
    "Account": ("Customer_Account__c", "Client__c"),
    "Contact": ("Customer_Contact__c", "Person__c"),
    "Lead": ("Sales_Lead__c", "Prospect__c"),
    "Opportunity": ("Deal__c", "Sales_Opportunity__c"),
    "OpportunityLineItem": ("Deal_Line_Item__c", "Opportunity_Product__c"),
    "Quote": ("Sales_Quote__c", "Proposal__c"),
    "QuoteLineItem": ("Quote_Line__c", "Proposal_Line__c"),
    "Contract": ("Agreement__c", "Customer_Contract__c"),
    "Order": ("Sales_Order__c", "Purchase_Order__c"),
    "OrderItem": ("Order_Line__c", "Order_Product__c"),
    "Product2": ("Product__c", "Catalog_Item__c"),
    "ProductCategory": ("Product_Group__c", "Catalog_Category__c"),
    "ProductCategoryProduct": ("Product_Group_Member__c", "Category_Assignment__c"),
    "Pricebook2": ("Price_List__c", "Price_Book__c"),
    "PricebookEntry": ("Price_List_Entry__c", "Price_Book_Line__c"),
    "Case": ("Support_Case__c", "Service_Ticket__c"),
    "CaseHistory__c": ("Case_Audit__c", "Case_Change_Log__c"),
    "Issue__c": ("Known_Issue__c", "Product_Issue__c"),
    "Knowledge__kav": ("Support_Article__kav", "Help_Article__kav"),
    "EmailMessage": ("Email_Log__c", "Customer_Email__c"),
    "LiveChatTranscript": ("Chat_Transcript__c", "Chat_Session__c"),
    "VoiceCallTranscript__c": ("Call_Transcript__c", "Call_Recording__c"),
    "Task": ("Activity_Task__c", "To_Do__c"),
    "Event": ("Calendar_Event__c", "Meeting__c"),
    "Territory2": ("Sales_Territory__c", "Sales_Region__c"),
    "UserTerritory2Association": ("Territory_Assignment__c", "Territory_Member__c"),
    "User": ("Team_Member__c", "Staff_User__c"),
}


def words(api_name: str) -> list[str]:
    """'NumberOfEmployees' -> [Number, Of, Employees]; 'ContractID__c' -> [Contract, ID]."""
    body = re.sub(r"__(c|r|kav)$", "", api_name)
    out: list[str] = []
    for part in body.split("_"):
        out += re.findall(r"[A-Z]+(?=[A-Z][a-z]|\d|$)|[A-Z]?[a-z]+\d*|[A-Z]+\d*|\d+", part)
    return [w for w in out if w]


def _reference_stem(f: SField) -> list[str]:
    """Words of a reference field without its trailing Id:
    'ConvertedAccountId' -> [Converted, Account]."""
    ws = words(f.name)
    if len(ws) > 1 and ws[-1].lower() == "id":
        ws = ws[:-1]
    return ws


def _object_word(obj: SObject) -> str:
    ws = [w for w in re.split(r"[^A-Za-z0-9]+", obj.label) if w]
    return ws[0] if ws else words(obj.name)[0]


def is_plausible(name: str) -> bool:
    """A legal custom API name that does not give the rename away."""
    if not name.endswith("__c"):
        return False
    body = name[:-3]
    if len(body) > 40 or not _API_BODY.match(body) or body.endswith("_"):
        return False
    return not any(w.lower() in GIVEAWAY_WORDS for w in body.split("_"))


def field_candidates(obj: SObject, f: SField, rng: random.Random) -> list[str]:
    """Candidate new API names for `f`, most natural first, lightly shuffled by `rng`."""
    obj_word = _object_word(obj)
    stem = _reference_stem(f) if f.type == FieldType.REFERENCE else words(f.name)
    label_words = [w for w in re.split(r"[^A-Za-z0-9]+", f.label) if w]
    curated = [c.format(obj=obj_word) for c in CURATED.get(f.name, ())]
    synonymous = []
    swappable = [i for i, w in enumerate(stem)
                 if w.lower() in SYNONYMS and (len(stem) == 1 or w.lower() not in SOLO_ONLY)]
    for i in swappable:
        for alt in SYNONYMS[stem[i].lower()]:
            synonymous.append("_".join([*stem[:i], alt, *stem[i + 1:]]) + "__c")
    suffixes = TYPE_SUFFIXES.get(f.type, ("Value",))
    patterned = [
        f"{obj_word}_{'_'.join(stem)}__c" if stem[0].lower() != obj_word.lower() else "",
        f"{'_'.join(stem)}_{rng.choice(suffixes)}__c",
        f"{'_'.join(label_words)}__c" if label_words else "",
        f"{'_'.join(stem)}_v2__c",
    ]
    rng.shuffle(curated)
    rng.shuffle(synonymous)
    rng.shuffle(patterned)
    ordered = curated + synonymous + patterned
    # Status -> Status__c or FirstName -> First_Name__c would be guessed without describe.
    trivial = f.name.removesuffix("__c").replace("_", "").lower()
    seen: set[str] = set()
    out = []
    for c in ordered:
        if (c and c.lower() not in seen and c[:-3].replace("_", "").lower() != trivial
                and is_plausible(c)):
            seen.add(c.lower())
            out.append(c)
    return out


def new_field_name(obj: SObject, f: SField, taken: set[str], rng: random.Random) -> str:
    """A fresh plausible name for `f`, not in `taken` (lower-cased names already on the object)."""
    candidates = field_candidates(obj, f, rng)
    # Prefer the natural candidates but do not always take the first: a little variety per seed.
    head = candidates[:3]
    rng.shuffle(head)
    for c in head + candidates[3:]:
        if c.lower() not in taken:
            return c
    stems = ["_".join(_reference_stem(f) if f.type == FieldType.REFERENCE else words(f.name)),
             "_".join(w for w in re.split(r"[^A-Za-z0-9]+", f.label) if w),
             f"{_object_word(obj)}_Field"]
    for stem in stems:
        for n in range(2, 100):
            name = f"{stem}_{n}__c"
            if is_plausible(name) and name.lower() not in taken:
                return name
    raise ValueError(f"no free API name for {obj.name}.{f.name}")


def relationship_for(field_name: str) -> str:
    """Salesforce's rule for a custom reference: `X__c` -> relationship `X__r`."""
    return field_name.removesuffix("__c") + "__r"


def new_object_name(obj: SObject, taken: set[str], rng: random.Random) -> str:
    """A custom-style replacement API name for a whole object."""
    suffix = "__kav" if obj.name.endswith("__kav") else "__c"
    options = list(OBJECT_NAMES.get(obj.name, ()))
    rng.shuffle(options)
    options.append("_".join(words(obj.name) or [obj.name]) + "_Record" + suffix)
    for c in options:
        if c.lower() not in taken:
            return c
    n = 2
    base = options[-1].removesuffix(suffix)
    while f"{base}_{n}{suffix}".lower() in taken:
        n += 1
    return f"{base}_{n}{suffix}"
