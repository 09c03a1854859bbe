//! Customers, recognised again by phone number or email.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::Customer;
use super::schema::customers;
use super::{DbConnection, StorageResult, new_id};

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

/// The customer with this phone number or email, created if unknown. A known customer's name is
/// updated to the one given now, and contact details they did not have before are added.
pub fn find_or_create(
    conn: &mut DbConnection,
    business_id: &str,
    name: &str,
    phone: Option<&str>,
    email: Option<&str>,
    now: NaiveDateTime,
) -> StorageResult<Customer> {
    let by = |conn: &mut DbConnection,
              column_is_phone: bool,
              value: &str|
     -> StorageResult<Option<Customer>> {
        let query = customers::table
            .filter(customers::business_id.eq(business_id))
            .into_boxed();
        let query = if column_is_phone {
            query.filter(customers::phone.eq(value))
        } else {
            query.filter(customers::email.eq(value))
        };
        Ok(query.select(Customer::as_select()).first(conn).optional()?)
    };
    let mut existing = None;
    if let Some(p) = phone {
        existing = by(conn, true, p)?;
    }
    if existing.is_none()
        && let Some(e) = email
    {
        existing = by(conn, false, e)?;
    }
    match existing {
        Some(mut customer) => {
            customer.name = name.to_owned();
            // Fill in what was missing, unless another customer record already owns it.
            if customer.phone.is_none()
                && let Some(p) = phone
                && by(conn, true, p)?.is_none()
            {
                customer.phone = Some(p.to_owned());
            }
            if customer.email.is_none()
                && let Some(e) = email
                && by(conn, false, e)?.is_none()
            {
                customer.email = Some(e.to_owned());
            }
            customer.updated_at = now;
            diesel::update(customers::table.find(&customer.id))
                .set((
                    customers::name.eq(&customer.name),
                    customers::phone.eq(&customer.phone),
                    customers::email.eq(&customer.email),
                    customers::updated_at.eq(now),
                ))
                .execute(conn)?;
            Ok(customer)
        }
        None => {
            let customer = Customer {
                id: new_id(),
                business_id: business_id.to_owned(),
                name: name.to_owned(),
                phone: phone.map(str::to_owned),
                email: email.map(str::to_owned),
                created_at: now,
                updated_at: now,
            };
            diesel::insert_into(customers::table)
                .values(&customer)
                .execute(conn)?;
            Ok(customer)
        }
    }
}

pub fn by_ids(conn: &mut DbConnection, ids: &[String]) -> StorageResult<Vec<Customer>> {
    Ok(customers::table
        .filter(customers::id.eq_any(ids))
        .select(Customer::as_select())
        .load(conn)?)
}

pub fn find_by_phone(
    conn: &mut DbConnection,
    business_id: &str,
    phone: &str,
) -> StorageResult<Option<Customer>> {
    Ok(customers::table
        .filter(customers::business_id.eq(business_id))
        .filter(customers::phone.eq(phone))
        .select(Customer::as_select())
        .first(conn)
        .optional()?)
}
