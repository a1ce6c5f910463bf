/**
 * Word lists the seeded tenants draw from. All names are invented combinations of common given names and
 * surnames; all places are real cities with their ISO 3166-1 alpha-2 usage locations.
 */

export const FIRST_NAMES = [
  'Aaron', 'Abigail', 'Adrian', 'Aisha', 'Alan', 'Alicia', 'Amara', 'Amelia', 'Ana', 'Andrea', 'Andrew', 'Anita',
  'Arjun', 'Ava', 'Benjamin', 'Bianca', 'Brandon', 'Camila', 'Carlos', 'Caroline', 'Chen', 'Chloe', 'Christopher',
  'Claire', 'Daniel', 'Daniela', 'David', 'Diego', 'Elena', 'Eli', 'Elif', 'Emily', 'Emma', 'Ethan', 'Fatima',
  'Felix', 'Fiona', 'Gabriel', 'Grace', 'Hannah', 'Harper', 'Hiro', 'Ines', 'Isabel', 'Ivan', 'Jack', 'James',
  'Jasmine', 'Javier', 'Jia', 'Jonas', 'Julia', 'Kai', 'Karen', 'Kenji', 'Laura', 'Leila', 'Leo', 'Liam', 'Lina',
  'Lucas', 'Lucia', 'Maja', 'Marco', 'Maria', 'Mateo', 'Maya', 'Mei', 'Michael', 'Mia', 'Mohammed', 'Nadia',
  'Naomi', 'Nikhil', 'Noah', 'Nora', 'Olivia', 'Omar', 'Oscar', 'Pablo', 'Paul', 'Priya', 'Rafael', 'Rahul',
  'Rebecca', 'Ren', 'Rosa', 'Ryan', 'Samuel', 'Sara', 'Sebastian', 'Sofia', 'Sophie', 'Stefan', 'Tariq', 'Thomas',
  'Valentina', 'Victor', 'Wei', 'William', 'Yara', 'Yusuf', 'Zoe',
] as const;

export const LAST_NAMES = [
  'Abbott', 'Adams', 'Ahmed', 'Alvarez', 'Andersen', 'Bailey', 'Baker', 'Becker', 'Bennett', 'Bernard', 'Brooks',
  'Campbell', 'Carter', 'Castro', 'Chen', 'Clarke', 'Collins', 'Cooper', 'Costa', 'Cruz', 'Dubois', 'Edwards',
  'Evans', 'Fischer', 'Fleming', 'Garcia', 'Gomez', 'Gonzalez', 'Green', 'Gupta', 'Hall', 'Hansen', 'Harris',
  'Hayes', 'Hoffmann', 'Hughes', 'Ito', 'Jackson', 'Jensen', 'Johnson', 'Kang', 'Khan', 'Kim', 'Klein', 'Kowalski',
  'Kumar', 'Larsen', 'Laurent', 'Lee', 'Lewis', 'Lopez', 'Martin', 'Meyer', 'Miller', 'Mitchell', 'Moreau',
  'Morgan', 'Mueller', 'Murphy', 'Nakamura', 'Nguyen', 'Nielsen', 'Novak', 'Okafor', 'Olsen', 'Ortiz', 'Park',
  'Patel', 'Perez', 'Peters', 'Ramirez', 'Reed', 'Reyes', 'Richter', 'Rivera', 'Roberts', 'Rossi', 'Russo',
  'Sanchez', 'Santos', 'Schmidt', 'Schneider', 'Scott', 'Shah', 'Silva', 'Singh', 'Smith', 'Sorensen', 'Suzuki',
  'Tanaka', 'Taylor', 'Thompson', 'Torres', 'Turner', 'Wagner', 'Walker', 'Wang', 'Weber', 'Wilson', 'Wright',
  'Yamamoto', 'Young', 'Zhang',
] as const;

export interface Department {
  name: string;
  /** Relative head count. */
  weight: number;
  /** Two-letter code used in employee ids and cost centres. */
  code: string;
  /** Title of the department head. */
  headTitle: string;
  /** Title of a people manager. */
  managerTitle: string;
  /** Individual-contributor titles; about a third get a "Senior " prefix. */
  titles: readonly string[];
}

export const DEPARTMENTS: readonly Department[] = [
  { name: 'Sales', weight: 16, code: 'SA', headTitle: 'Vice President of Sales', managerTitle: 'Sales Manager', titles: ['Account Executive', 'Sales Representative', 'Sales Engineer', 'Inside Sales Representative'] },
  { name: 'Marketing', weight: 9, code: 'MK', headTitle: 'Chief Marketing Officer', managerTitle: 'Marketing Manager', titles: ['Marketing Specialist', 'Content Strategist', 'Product Marketing Manager', 'Brand Designer'] },
  { name: 'Engineering', weight: 20, code: 'EN', headTitle: 'Vice President of Engineering', managerTitle: 'Engineering Manager', titles: ['Software Engineer', 'Site Reliability Engineer', 'QA Engineer', 'Data Engineer'] },
  { name: 'Research & Development', weight: 6, code: 'RD', headTitle: 'Director of Research', managerTitle: 'Research Lead', titles: ['Research Scientist', 'Applied Scientist', 'Lab Technician'] },
  { name: 'Finance', weight: 7, code: 'FI', headTitle: 'Chief Financial Officer', managerTitle: 'Finance Manager', titles: ['Financial Analyst', 'Accountant', 'Payroll Specialist', 'Controller'] },
  { name: 'Human Resources', weight: 5, code: 'HR', headTitle: 'Chief People Officer', managerTitle: 'HR Manager', titles: ['HR Business Partner', 'Recruiter', 'Benefits Specialist'] },
  { name: 'IT', weight: 7, code: 'IT', headTitle: 'Chief Information Officer', managerTitle: 'IT Manager', titles: ['Helpdesk Technician', 'Systems Administrator', 'Network Engineer', 'Cloud Engineer'] },
  { name: 'Security', weight: 3, code: 'SE', headTitle: 'Chief Information Security Officer', managerTitle: 'Security Operations Manager', titles: ['Security Analyst', 'Security Engineer', 'Identity Engineer'] },
  { name: 'Legal', weight: 3, code: 'LG', headTitle: 'General Counsel', managerTitle: 'Legal Manager', titles: ['Corporate Counsel', 'Paralegal', 'Compliance Officer'] },
  { name: 'Operations', weight: 8, code: 'OP', headTitle: 'Chief Operating Officer', managerTitle: 'Operations Manager', titles: ['Operations Analyst', 'Facilities Coordinator', 'Procurement Specialist', 'Logistics Coordinator'] },
  { name: 'Customer Support', weight: 12, code: 'CS', headTitle: 'Vice President of Customer Success', managerTitle: 'Support Manager', titles: ['Support Engineer', 'Customer Success Manager', 'Technical Account Manager'] },
];

export const EXECUTIVE_DEPARTMENT = 'Executive';

export interface Office {
  city: string;
  state: string | null;
  country: string;
  /** ISO 3166-1 alpha-2; Graph requires it before licensing. */
  usageLocation: string;
  postalCode: string;
  streetAddress: string;
  /** E.164 country calling code, without "+". */
  callingCode: string;
  preferredLanguage: string;
  /** Relative head count. */
  weight: number;
}

export const OFFICES: readonly Office[] = [
  { city: 'Seattle', state: 'WA', country: 'United States', usageLocation: 'US', postalCode: '98101', streetAddress: '1200 Fifth Avenue', callingCode: '1', preferredLanguage: 'en-US', weight: 30 },
  { city: 'New York', state: 'NY', country: 'United States', usageLocation: 'US', postalCode: '10001', streetAddress: '350 Seventh Avenue', callingCode: '1', preferredLanguage: 'en-US', weight: 14 },
  { city: 'Austin', state: 'TX', country: 'United States', usageLocation: 'US', postalCode: '78701', streetAddress: '500 Congress Avenue', callingCode: '1', preferredLanguage: 'en-US', weight: 8 },
  { city: 'Toronto', state: 'ON', country: 'Canada', usageLocation: 'CA', postalCode: 'M5H 2N2', streetAddress: '100 King Street West', callingCode: '1', preferredLanguage: 'en-CA', weight: 6 },
  { city: 'London', state: null, country: 'United Kingdom', usageLocation: 'GB', postalCode: 'EC2A 4NE', streetAddress: '10 Finsbury Square', callingCode: '44', preferredLanguage: 'en-GB', weight: 12 },
  { city: 'Munich', state: 'Bavaria', country: 'Germany', usageLocation: 'DE', postalCode: '80331', streetAddress: 'Marienplatz 8', callingCode: '49', preferredLanguage: 'de-DE', weight: 9 },
  { city: 'Berlin', state: 'Berlin', country: 'Germany', usageLocation: 'DE', postalCode: '10117', streetAddress: 'Friedrichstrasse 68', callingCode: '49', preferredLanguage: 'de-DE', weight: 5 },
  { city: 'Paris', state: null, country: 'France', usageLocation: 'FR', postalCode: '75008', streetAddress: '25 Rue de la Boetie', callingCode: '33', preferredLanguage: 'fr-FR', weight: 6 },
  { city: 'Amsterdam', state: null, country: 'Netherlands', usageLocation: 'NL', postalCode: '1017 CE', streetAddress: 'Vijzelstraat 20', callingCode: '31', preferredLanguage: 'nl-NL', weight: 4 },
  { city: 'Bangalore', state: 'Karnataka', country: 'India', usageLocation: 'IN', postalCode: '560001', streetAddress: '12 MG Road', callingCode: '91', preferredLanguage: 'en-IN', weight: 8 },
  { city: 'Tokyo', state: null, country: 'Japan', usageLocation: 'JP', postalCode: '100-0005', streetAddress: '1-1 Marunouchi', callingCode: '81', preferredLanguage: 'ja-JP', weight: 4 },
  { city: 'Sydney', state: 'NSW', country: 'Australia', usageLocation: 'AU', postalCode: '2000', streetAddress: '1 Martin Place', callingCode: '61', preferredLanguage: 'en-AU', weight: 4 },
];

/** Organisations guests come from (all reserved `.example` domains). */
export const PARTNER_DOMAINS = ['fabrikam.example', 'northwind.example', 'adatum.example', 'tailspin.example', 'woodgrove.example'] as const;

/** Picks from a weighted list with one draw in [0, 1). */
export function pickWeighted<T extends { weight: number }>(items: readonly T[], draw: number): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let remaining = draw * total;
  for (const item of items) {
    remaining -= item.weight;
    if (remaining < 0) return item;
  }
  return items[items.length - 1];
}
