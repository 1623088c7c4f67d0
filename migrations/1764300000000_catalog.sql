-- Up Migration
CREATE TABLE qualifications (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CONSTRAINT qualifications_name_key UNIQUE CHECK (name = lower(btrim(name)) AND name <> '')
);

CREATE TABLE specializations (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CONSTRAINT specializations_name_key UNIQUE CHECK (name = lower(btrim(name)) AND name <> ''),
  -- Media key of an uploaded picture; NULL means the shipped default picture.
  image text
);

-- Seeded idempotently so that re-running (or a partially seeded database) never duplicates a name.
INSERT INTO qualifications (name)
SELECT name FROM unnest(ARRAY['mbbs', 'bds', 'bams', 'bums', 'bhms', 'byns', 'frcps', 'md', 'do']) WITH ORDINALITY AS q(name, ord)
ORDER BY ord
ON CONFLICT (name) DO NOTHING;

INSERT INTO specializations (name)
SELECT name FROM unnest(ARRAY[
  'allergist', 'anesthesiologist', 'cardiologist', 'dermatologist', 'endocrinologist',
  'emergency medicine specialist', 'family physician', 'critical care medicine specialist',
  'gastroenterologist', 'geriatric medicine specialist', 'hematologist',
  'hospice and palliative medicine specialist', 'infectious disease specialist', 'internist',
  'medical geneticist', 'nephrologist', 'neurologist', 'obstetricians and gynecologist', 'oncologist',
  'ophthalmologist', 'osteopaths', 'otolaryngologist', 'pathologist', 'pediatrician', 'physiatrist',
  'plastic surgeon', 'podiatrist', 'preventive medicine specialist', 'psychiatrists', 'pulmonologist',
  'radiologist', 'rheumatologist', 'sleep medicine specialist', 'sports medicine specialist',
  'general surgeon', 'urologist'
]) WITH ORDINALITY AS s(name, ord)
ORDER BY ord
ON CONFLICT (name) DO NOTHING;

-- Down Migration
DROP TABLE specializations;
DROP TABLE qualifications;
