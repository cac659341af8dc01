"""newsmon: media monitoring for Dutch-language news."""
