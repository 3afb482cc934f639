"""Row filters that come from the org rather than the statement's WHERE: USING SCOPE (relative to
the running user), WITH DATA CATEGORY (the category tree of a data category group) and list
views (SOSL `USING ListView=`).

Scopes (an object supports the ones its describe lists under supportedScopes):
- `everything`: every record;
- `mine`: records the running user owns (OwnerId);
- `team`: accounts whose account team (AccountTeamMember) includes the running user;
- `my_territory`: accounts assigned (ObjectTerritory2Association) to a territory the running user
  belongs to (UserTerritory2Association);
- `delegated`: activities the running user created and assigned to someone else.
`mine_and_my_groups` applies only to ProcessInstanceWorkitem, `my_team_territory` needs a
territory hierarchy, `mru`/`scopingRule`/`allPrivate` recent-item, scoping-rule or report data:
none exists in this org, so no object supports them.

WITH DATA CATEGORY `Group__c OP category__c` keeps articles with a selection in that group
(Knowledge__DataCategorySelection) at: AT the category, ABOVE the category or an ancestor, BELOW
the category or a descendant, ABOVE_OR_BELOW any of these. Conditions on several groups are ANDed.
"""

from __future__ import annotations

from sqlglot import exp

from sandbox_db.database import quote_ident
from sandbox_db.errors import ErrorCode, SalesforceError
from sandbox_db.schema import DataCategoryGroup, ListViewDef
from sandbox_db.soql.context import RUNNING_USER
from sandbox_db.soql.dialect import SoqlCategoryFilter, parse_soql
from sandbox_db.soql.paths import Scope, Translator
from sandbox_db.soql.plan import table_marker

MAX_CATEGORY_FILTERS = 3


def filter_error(message: str) -> SalesforceError:
    return SalesforceError(ErrorCode.INVALID_QUERY_FILTER_OPERATOR, message)


def _subquery(tr: Translator, base_object: str, select: str, where: str,
              fields: dict[str, str]) -> str:
    """SELECT over an org object named in base names (`{Field}` placeholders in select/where)."""
    obj = tr.ctx.visible_object(base_object)
    if obj is None:
        raise filter_error(f"{base_object} is not available in this org")
    names = {}
    for key, base_field in fields.items():
        f = tr.ctx.visible_field(base_object, base_field)
        if f is None:
            raise filter_error(f"{base_object}.{base_field} is not available in this org")
        names[key] = quote_ident(f.name)
    tr.objects.add(obj.name)
    return (f"SELECT {select.format(**names)} FROM {table_marker(obj.name)} "
            f"WHERE {where.format(**names)}")


def _base_field(tr: Translator, scope: Scope, base_field: str) -> str:
    f = tr.ctx.field_by_base_name(scope.obj, base_field)
    if f is None:
        raise filter_error(f"{scope.obj.name} has no {base_field} field")
    return f"{scope.alias}.{quote_ident(f.name)}"


def scope_predicate(tr: Translator, scope: Scope, name: str) -> str | None:
    """SQL for `USING SCOPE name` on the FROM object (None: every record)."""
    wanted = name.lower()
    if wanted not in scope.obj.scopes:
        supported = ", ".join(scope.obj.scopes)
        raise filter_error(f"USING SCOPE {name} is not supported for {scope.obj.name}; "
                           f"supported scopes: {supported}")
    if wanted == "everything":
        return None
    user = tr.param(RUNNING_USER)
    if wanted == "mine":
        return f"COALESCE({_base_field(tr, scope, 'OwnerId')} = {user}, FALSE)"
    if wanted == "delegated":
        owner = _base_field(tr, scope, "OwnerId")
        creator = _base_field(tr, scope, "CreatedById")
        return f"COALESCE({creator} = {user} AND {owner} != {user}, FALSE)"
    if wanted == "team":
        inner = _subquery(tr, "AccountTeamMember", "{account}", f"{{user}} = {user}",
                          {"account": "AccountId", "user": "UserId"})
    else:  # my_territory
        territories = _subquery(tr, "UserTerritory2Association", "{territory}",
                                f"{{user}} = {user}",
                                {"territory": "Territory2Id", "user": "UserId"})
        inner = _subquery(tr, "ObjectTerritory2Association", "{object}",
                          f"{{territory}} IN ({territories})",
                          {"object": "ObjectId", "territory": "Territory2Id"})
    return f"COALESCE({scope.alias}.\"Id\" IN ({inner}), FALSE)"


def _strip_c(name: str) -> str:
    return name[:-3] if name.lower().endswith("__c") else name


def _group(tr: Translator, scope: Scope, name: str) -> DataCategoryGroup:
    base_obj = tr.ctx.base_object(scope.obj)
    wanted = _strip_c(name).lower()
    group = next((g for g in tr.ctx.base.data_category_groups if g.name.lower() == wanted), None)
    if group is None:
        raise filter_error(f"Data category group {name} does not exist")
    if base_obj is None or base_obj.name not in group.objects:
        raise filter_error(f"Data category group {name} does not apply to {scope.obj.name}")
    return group


def category_predicate(tr: Translator, scope: Scope, filters: list[SoqlCategoryFilter]) -> str:
    """SQL for `WITH DATA CATEGORY ...` on an article object."""
    base_obj = tr.ctx.base_object(scope.obj)
    if base_obj is None or not any(base_obj.name in g.objects
                                   for g in tr.ctx.base.data_category_groups):
        raise filter_error(f"WITH DATA CATEGORY is not supported for {scope.obj.name}: it "
                           "filters knowledge articles")
    if len(filters) > MAX_CATEGORY_FILTERS:
        raise filter_error(f"A WITH DATA CATEGORY clause can have at most "
                           f"{MAX_CATEGORY_FILTERS} conditions")
    preds = []
    for flt in filters:
        group = _group(tr, scope, flt.this.name)
        names: set[str] = set()
        for ident in flt.expressions:
            wanted = _strip_c(ident.name).lower()
            category = next((c for c in group.parents if c.lower() == wanted), None)
            if category is None:
                raise filter_error(f"Data category {ident.name} does not exist in group "
                                   f"{flt.this.name}")
            names.add(category)
            if flt.args["op"] in ("ABOVE", "ABOVE_OR_BELOW"):
                names.update(group.ancestors(category))
            if flt.args["op"] in ("BELOW", "ABOVE_OR_BELOW"):
                names.update(group.descendants(category))
        group_param = tr.param(group.name)
        name_params = ", ".join(tr.param(n) for n in sorted(names))
        inner = _subquery(tr, "Knowledge__DataCategorySelection", "{parent}",
                          f"{{group}} = {group_param} AND {{category}} IN ({name_params})",
                          {"parent": "ParentId", "group": "DataCategoryGroupName",
                           "category": "DataCategoryName"})
        preds.append(f"COALESCE({scope.alias}.\"Id\" IN ({inner}), FALSE)")
    return " AND ".join(preds)


def list_view(tr: Translator, scope: Scope, name: str) -> ListViewDef:
    base_obj = tr.ctx.base_object(scope.obj)
    view = next((v for v in tr.ctx.base.list_views
                 if base_obj is not None and v.object == base_obj.name
                 and v.developer_name.lower() == name.lower()), None)
    if view is None:
        raise SalesforceError(ErrorCode.INVALID_FIELD,
                              f"List view '{name}' does not exist for {scope.obj.name}")
    return view


def list_view_predicate(tr: Translator, scope: Scope, name: str) -> str | None:
    """SQL for SOSL's `USING ListView=name`: the view's scope and condition."""
    view = list_view(tr, scope, name)
    preds = [p for p in (scope_predicate(tr, scope, view.scope),) if p]
    if view.where:
        where = parse_soql(f"SELECT Id FROM {view.object} WHERE {view.where}").args["where"].this
        for column in where.find_all(exp.Column):  # base names -> this episode's names
            f = tr.ctx.field_by_base_name(scope.obj, column.name)
            if f is None:
                raise filter_error(f"List view {name} needs {view.object}.{column.name}")
            column.set("this", exp.to_identifier(f.name))
        preds.append(tr.condition(where, scope))
    return " AND ".join(preds) or None
