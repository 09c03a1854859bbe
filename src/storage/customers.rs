//! Customer records: people known by proof (see `customer_identities`), never merged from
//! typed contact details.

use diesel::prelude::*;

use super::models::Customer;
use super::schema::customers;
use super::{DbConnection, StorageResult};

pub fn find(
    conn: &mut DbConnection,
    business_id: &str,
    id: &str,
) -> StorageResult<Option<Customer>> {
    Ok(customers::table
        .filter(customers::id.eq(id))
        .filter(customers::business_id.eq(business_id))
        .select(Customer::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_ids(conn: &mut DbConnection, ids: &[String]) -> StorageResult<Vec<Customer>> {
    Ok(customers::table
        .filter(customers::id.eq_any(ids))
        .select(Customer::as_select())
        .load(conn)?)
}

pub fn insert(conn: &mut DbConnection, customer: &Customer) -> StorageResult<()> {
    diesel::insert_into(customers::table)
        .values(customer)
        .execute(conn)?;
    Ok(())
}
