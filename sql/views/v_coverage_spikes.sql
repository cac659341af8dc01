-- Spike flags with the default factor (2) and minimum (3); see coverage_spikes() to change them.
CREATE OR REPLACE VIEW v_coverage_spikes AS
SELECT * FROM coverage_spikes();
