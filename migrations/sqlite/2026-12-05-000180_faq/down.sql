DROP TABLE faq_entries;
