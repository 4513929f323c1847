"""The dashboard's data access: typed functions over the warehouse, one SQL file per query.

Every function takes the process's :class:`~segmenta.warehouse.connection.WarehouseReader`
(read-only) and, where the page is filtered, the validated
:class:`~segmenta.dashboard.filters.Filters`; it loads its query from
``segmenta/warehouse/sql/dashboard/<name>.sql`` and fills the template's slots
(:mod:`.render`):

* ``{{customer_filter}}``, ``{{line_filter}}``, ``{{coverage_filter}}``: the global filter
  (see :mod:`segmenta.dashboard.filters` for the semantics);
* ``{{grid_filter}}``, ``{{grid_select}}`` and ``{{grid_page}}``: the customers grid's search
  box and column filters, and either a sorted block of rows or the row count (one SQL file
  serves both), compiled by :mod:`.grid` from an allow-list of columns.

Slots are filled with text built from fixed column names and operators only; every value a
user can influence is a bound ``$name`` parameter. Queries aggregate in DuckDB and return only
what is drawn. Pages never contain SQL; they call these functions.

Modules: :mod:`.render` (templates, slots, ``explain``), :mod:`.cache` (the one cache, keyed
by warehouse version), :mod:`.grid` (the AG Grid filter-model compiler), one module per page
(:mod:`.common` for what every page shares, :mod:`.overview`, :mod:`.customers`,
:mod:`.products`, :mod:`.churn`, :mod:`.model`, :mod:`.demographics`, :mod:`.map`,
:mod:`.sql`), and :mod:`.explain_page`, which lists the queries each page runs
(``segmenta sql --explain-page PAGE``). A page imports its own module as ``q``::

    from segmenta.dashboard.queries import common
    from segmenta.dashboard.queries import products as q
"""
