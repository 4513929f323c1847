-- Every display name already given to a customer (new customers must not repeat one).
SELECT display_name FROM dim_customer;
