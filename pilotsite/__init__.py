"""pilotsite: builds the policy-pilot research site from data/ and analyses/."""
