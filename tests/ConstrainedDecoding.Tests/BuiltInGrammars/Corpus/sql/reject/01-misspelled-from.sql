SELECT * FORM users;
